"""`mediaopt dupes` on a tree of many duplicate groups lists the groups that free the
most, numbered as in --json, and says how to see the rest; --all lists every group."""

from __future__ import annotations

import json
import re

from mediaopt.engine.cli import main
from mediaopt.engine.cli.dupes import SHOWN


def test_the_groups_that_free_most_are_listed_first_and_all_on_request(tmp_path, capsys):
    root = tmp_path / "show"
    root.mkdir()
    groups = SHOWN + 7
    for n in range(groups):
        body = bytes([n % 251]) * (1000 + 97 * n)  # every group its own size and content
        for copy in ("a", "b"):
            (root / f"take{n:03d}_{copy}.wav").write_bytes(b"RIFF" + body)
    catalog = str(tmp_path / "c.sqlite")
    main(["scan", "--catalog", catalog, str(root)])
    capsys.readouterr()

    main(["dupes", "--catalog", catalog, "--json"])
    record = json.loads(capsys.readouterr().out)
    assert len(record["groups"]) == groups
    by_number = {i: g["reclaimable_bytes"] for i, g in enumerate(record["groups"], 1)}

    main(["dupes", "--catalog", catalog])
    out = capsys.readouterr().out
    listed = [int(n) for n in re.findall(r"^\s*(\d+) exact", out, re.M)]
    assert len(listed) == SHOWN
    largest = sorted(by_number, key=lambda i: -by_number[i])[:SHOWN]
    assert listed == largest  # the numbers are --json's, largest first
    assert f"{groups} groups" in out and "--all lists every group" in out

    main(["dupes", "--catalog", catalog, "--all"])
    out = capsys.readouterr().out
    assert len(re.findall(r"^\s*\d+ exact", out, re.M)) == groups
    assert "--all lists" not in out
