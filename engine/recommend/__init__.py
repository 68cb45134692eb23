"""Findings -> a ranked Plan of Actions with the bytes each frees, its risk and evidence."""

from mediaopt.engine.recommend.build import recommend

__all__ = ["recommend"]
