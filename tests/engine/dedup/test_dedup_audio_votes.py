"""Audio candidate voting: the array version counts what a plain loop over hits counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

from mediaopt.engine.fingerprint import audio
from mediaopt.fixtures import dupes as labelled

TRIM_SECONDS = 1.5


@pytest.fixture(scope="module")
def prints(tmp_path_factory) -> list[np.ndarray]:
    """Two melodies, the first also as MP3 and trimmed by TRIM_SECONDS, as real files."""
    root: Path = tmp_path_factory.mktemp("votes")
    one, other = labelled.melody(0, seconds=4.0), labelled.melody(1, seconds=4.0)
    rate = labelled.AUDIO_RATE
    paths = [
        labelled.write_pcm(root / "take1.wav", one),
        labelled.write_pcm(root / "take2.wav", other),
        labelled.write_pcm(root / "take1.mp3", one, codec="libmp3lame", bit_rate=128000),
        labelled.write_pcm(root / "take1_trim.flac", one[int(TRIM_SECONDS * rate) :], codec="flac"),
    ]
    return [audio.audio_print(str(p)).array() for p in paths]


def _loop_votes(prints: list[np.ndarray]) -> Counter:
    where: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i, bits in enumerate(prints):
        for pos, value in enumerate(bits.tolist()):
            where[value].append((i, pos))
    votes: Counter = Counter()
    for hits in where.values():
        if not 2 <= len(hits) <= audio.MAX_HITS:
            continue
        for x, (i, pi) in enumerate(hits):
            for j, pj in hits[x + 1 :]:
                if i != j:
                    votes[(i, j, pi - pj) if i < j else (j, i, pj - pi)] += 1
    return votes


def test_votes_equal_a_loop_over_every_hit(prints):
    votes = audio._votes(prints)
    n = len(prints)
    counted = Counter(
        {
            (*divmod(int(p), n), int(o)): int(c)
            for p, o, c in zip(votes["pair"], votes["offset"], votes["count"], strict=True)
        }
    )
    assert counted == _loop_votes(prints)


def test_best_offset_of_a_trimmed_copy_is_the_trim(prints):
    offsets = audio.candidate_offsets(prints)
    frames = TRIM_SECONDS * audio.RATE / audio.HOP
    assert abs(offsets[(0, 3)][0] - frames) <= 1
    assert offsets[(0, 2)][0] == 0
    assert audio.same_sound(prints[0], prints[3], offsets[(0, 3)]) is not None
    assert all(len(v) <= 3 for v in offsets.values())


def test_no_sound_no_candidates():
    assert audio.candidate_offsets([]) == {}
    assert audio.candidate_offsets([np.zeros(0, np.uint32)] * 2) == {}
