"""What a library logs is not mediaopt's output: pyaaf2 logs `Fraction(0,0) not
mathematically plausible` for a real AAF's 0/0 rates through the root logger, which
would print `WARNING:root:...` lines between the tables. Quiet by default; -vv shows
it. And a reader's message that names its file is not prefixed with the file again."""

from __future__ import annotations

from pathlib import Path


def test_a_librarys_warnings_stay_off_stderr_unless_asked(mediaopt, realworld: Path):
    aaf = realworld / "projects/aaf/2997fps-DFTC.aaf"
    quiet = mediaopt("refs", str(aaf))
    assert quiet.returncode in (0, 1), quiet.stderr
    assert b"Fraction(0,0)" not in quiet.stderr and b"WARNING:root" not in quiet.stderr
    assert str(aaf).encode() in quiet.stdout  # the references are still listed
    loud = mediaopt("-vv", "refs", str(aaf))
    assert b"Fraction(0,0) not mathematically plausible" in loud.stderr


def test_a_problem_names_its_file_once(mediaopt, realworld: Path, tmp_path: Path):
    corrupt = realworld / "projects/blend/corrupt_only_magic.blend"
    root = tmp_path / "show"
    root.mkdir()
    (root / corrupt.name).write_bytes(corrupt.read_bytes())
    catalog = str(tmp_path / "c.sqlite")
    assert mediaopt("scan", "--catalog", catalog, str(root)).returncode in (0, 1)
    result = mediaopt("projects", "--catalog", catalog, str(root))
    assert result.returncode == 1
    lines = [line for line in result.stderr.decode().splitlines() if "corrupt_only" in line]
    assert lines and all(line.count(corrupt.name) == 1 for line in lines), lines
