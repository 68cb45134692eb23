"""Apply and undo a plan: journal, verify, archive (ASC MHL), dedupe, delete."""

from mediaopt.engine.actions.apply import ApplyError, apply_plan
from mediaopt.engine.actions.undo import undo_journal

__all__ = ["ApplyError", "apply_plan", "undo_journal"]
