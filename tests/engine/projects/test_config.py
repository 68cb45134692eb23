"""Settings come from a TOML file and the command line adds to them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediaopt.engine.refs.config import ConfigError, load_settings
from mediaopt.engine.refs.pathmap import PathMap, PathMapError


def test_settings_are_read_from_toml(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[paths]\nmap = ["/Volumes/Projects=/mnt/projects"]\n'
        '[projects]\nconventions = ["{show}/{seq}/{shot}"]\ndormant_days = 30\n'
        "[orphans]\ngrace_days = 7\n"
    )
    settings = load_settings(config)
    assert settings.path_map == ["/Volumes/Projects=/mnt/projects"]
    assert settings.conventions == ["{show}/{seq}/{shot}"]
    assert (settings.dormant_days, settings.grace_days) == (30, 7)
    local = PathMap.parse(settings.path_map).local_paths("/Volumes/Projects/a.mov", None)
    assert local[0] == "/mnt/projects/a.mov"


def test_a_named_config_that_is_missing_or_malformed_is_an_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[orphans]\ngrace_days = 'soon'\n")
    with pytest.raises(ConfigError, match="bad.toml"):
        load_settings(bad)


def test_a_map_without_an_equals_sign_is_refused():
    with pytest.raises(PathMapError):
        PathMap.parse(["/Volumes/Projects"])
