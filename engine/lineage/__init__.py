"""Lineage: which asset was made from which, from project files and from inference."""

from mediaopt.engine.lineage.explicit import project_edges
from mediaopt.engine.lineage.infer import infer_edges

__all__ = ["infer_edges", "project_edges"]
