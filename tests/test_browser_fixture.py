"""fixtures/browser.py: the browser tests say why they skip, and never use a browser
that is not there."""

from __future__ import annotations

from mediaopt.fixtures import browser


def test_a_missing_chromium_is_a_reason_to_skip_that_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDIAOPT_CHROMIUM", str(tmp_path / "no-such-chromium"))
    assert browser.chromium_path() is None
    reason = browser.unavailable_reason()
    assert reason is not None and "chromium" in reason and "MEDIAOPT_CHROMIUM" in reason
