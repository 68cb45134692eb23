"""Start-up is paid on every call (a farm hook, a host add-on, a cron job): the console
imports no engine until a command runs, and each command only what it uses."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from mediaopt.engine.cli import COMMANDS, build_parser, main
from mediaopt.engine.cli.schema import OUTPUTS

HEAVY = ("scipy", "matplotlib", "skimage", "av", "OpenImageIO", "opentimelineio", "PIL")

PROBE = """
import sys
{code}
print(",".join(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _heavy_after(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code, heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [m for m in done.stdout.strip().split(",") if m]


def test_importing_the_console_loads_no_heavy_library() -> None:
    assert _heavy_after("import mediaopt.engine.cli") == []


def test_help_loads_no_heavy_library() -> None:
    code = (
        "import contextlib, io\n"
        "from mediaopt.engine.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])"
    )
    assert _heavy_after(code) == []


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_commands_arguments_load_no_heavy_library(command: str) -> None:
    """`mediaopt COMMAND --help` builds that command's parser: no engine is imported."""
    code = f"from mediaopt.engine.cli import build_parser\nbuild_parser({command!r})"
    assert _heavy_after(code) == []


def test_scan_workers_preload_only_the_probe_code() -> None:
    """The fork server preloads `__main__` (the console, import-light) and the worker
    module: the header probes, not the catalog, the walker or the sequence grouping."""
    code = (
        "import mediaopt.engine.scan.worker\n"
        "unwanted = ('mediaopt.engine.catalog', 'mediaopt.engine.scan.scanner', 'fileseq')\n"
        "assert not [m for m in unwanted if m in sys.modules], sorted(sys.modules)\n"
    )
    assert _heavy_after(code) in ([], ["OpenImageIO"])


def test_the_probes_load_openimageio_at_the_first_still_and_never_pymediainfo(tmp_path) -> None:
    """The fork server imports the probes before any worker starts: OpenImageIO waits for
    a still, and MediaInfo's library is loaded without pymediainfo's import (which walks
    every installed distribution for its version), yet the sound is still read."""
    from mediaopt.engine.demo import media

    sound = tmp_path / "tone.wav"
    media.write_audio(sound, codec="pcm_s16le", sample_rate=44100)
    code = (
        "from mediaopt.engine.scan.probe import probe_file\n"
        f"asset = probe_file({str(sound)!r})\n"
        "assert asset.streams[0].sample_rate == 44100, asset\n"
        "assert 'pymediainfo' not in sys.modules\n"
    )
    assert _heavy_after(code) == []


def test_the_scan_fork_server_preloads_the_worker_module_only() -> None:
    from multiprocessing import forkserver

    from mediaopt.engine.scan import scanner

    prober = scanner._Prober(1, False)
    try:
        preload = forkserver._forkserver._preload_modules
        assert preload == [
            "__main__",
            "mediaopt.engine.scan.probe",
            "mediaopt.engine.scan.worker",
            "mediaopt.engine.scan.forkserver_exit",
        ]
    finally:
        prober.close()


def test_the_scanning_process_loads_no_probe_library_nor_frame_parser() -> None:
    """The scanning process walks, groups and writes the catalog; MediaInfo and
    OpenImageIO load in the workers' fork server only, and fileseq's parser only when a
    folder holds numbered images (a tree of movies and sound never needs it)."""
    code = (
        "import os, tempfile\n"
        "from mediaopt.engine.catalog import Catalog\n"
        "from mediaopt.engine.scan.scanner import scan\n"
        "folder = tempfile.mkdtemp()\n"
        "open(os.path.join(folder, 'notes.txt'), 'w').write('not media')\n"
        "with Catalog(os.path.join(folder, 'c.sqlite')) as catalog:\n"
        "    assert scan([folder], catalog, workers=1).assets == 1\n"
        "unwanted = ('pymediainfo', 'OpenImageIO', 'fileseq', 'mediaopt.engine.scan.probe')\n"
        "assert not [m for m in unwanted if m in sys.modules], sorted(sys.modules)\n"
    )
    assert _heavy_after(code) == []


def test_the_fork_server_module_leaves_without_teardown_and_flushes_first() -> None:
    """The fork server imports forkserver_exit so that it ends at once when the scan is
    done: what it printed still arrives, no finalizer runs, and the status is 0."""
    code = (
        "import sys\n"
        "class Teardown:\n"
        "    def __del__(self):\n"
        "        print('torn down')\n"
        "kept = Teardown()\n"
        "import mediaopt.engine.scan.forkserver_exit\n"
        "sys.stdout.write('printed before leaving')\n"
        "raise SystemExit\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "printed before leaving"


def _json_commands(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _json_commands(sub, f"{prefix}-{name}" if prefix else name)
        elif "--json" in action.option_strings:
            found.add(prefix)
    return found


def test_every_command_with_json_has_a_schema() -> None:
    with_json = _json_commands(build_parser())
    assert "render-settings" in with_json and "farm-post-job" in with_json
    assert with_json <= set(OUTPUTS)


def test_version(capsys) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"mediaopt {version('mediaopt')}\n"


def test_verbose_logs_what_mediaopt_does_on_stderr(cli_production, mediaopt) -> None:
    argv = ["orphans", "--catalog", cli_production.catalog, "--json"]
    quiet, verbose = mediaopt(*argv), mediaopt("-v", *argv)
    assert "roots from the catalog" not in quiet.stderr.decode()
    assert f"roots from the catalog: {cli_production.root}" in verbose.stderr.decode()
    assert json.loads(verbose.stdout) == json.loads(quiet.stdout)


def test_debug_logs_every_library_and_shows_tracebacks(cli_production, mediaopt) -> None:
    argv = ["--debug", "info", "/no/such/file.mov", "--catalog", cli_production.catalog]
    done = mediaopt(*argv)
    err = done.stderr.decode()
    assert done.returncode == 2 and "Traceback" in err and "no such file" in err
    plain = mediaopt(*argv[1:])
    assert plain.returncode == 2 and "Traceback" not in plain.stderr.decode()
