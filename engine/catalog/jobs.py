"""Render jobs posted by farm hooks (migration 3), keyed by farm and job id."""

from __future__ import annotations

import msgspec

from mediaopt.engine.catalog.backend import Connection
from mediaopt.engine.model import RenderJob

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(RenderJob).decode


class RenderJobs:
    """`catalog.render_jobs`: what farms said about finished jobs."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def put(self, job: RenderJob) -> None:
        """Store the job; a job posted again (same farm and id) replaces its row."""
        self._conn.execute(
            "INSERT INTO render_jobs (farm, job_id, output_asset, finished, record)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(farm, job_id) DO UPDATE SET"
            " output_asset = excluded.output_asset, finished = excluded.finished,"
            " record = excluded.record",
            (job.farm, job.job_id, job.output_asset, job.finished or 0.0, _encode(job)),
        )

    def all(self) -> list[RenderJob]:
        """Every recorded job, oldest first (jobs are few next to frames: a facility posts
        thousands a day, not millions)."""
        rows = self._conn.execute("SELECT record FROM render_jobs ORDER BY finished, id")
        return [_decode(record) for (record,) in rows]
