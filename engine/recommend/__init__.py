"""Findings -> a ranked Plan of Actions with the bytes each frees, its risk and evidence."""

from __future__ import annotations

from typing import Any

__all__ = ["recommend"]


def __getattr__(name: str) -> Any:
    # The builder pulls in every analysis (dedup brings scipy); `apply` needs only this
    # package's file and in-use helpers, so the builder loads when first asked for.
    if name == "recommend":
        from mediaopt.engine.recommend.build import recommend

        return recommend
    raise AttributeError(name)
