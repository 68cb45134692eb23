"""The HTML report says where the bytes are and what could not be read, in one file."""

import re
import shutil

from mediaopt.engine import api
from mediaopt.engine.demo import media
from mediaopt.engine.report import build_report, render_html


def test_report_lists_assets_problems_and_totals_in_one_self_contained_file(
    tmp_path, cached_media, catalog
):
    root = tmp_path / "show"
    root.mkdir()
    movie = cached_media(
        "report_prores.mov",
        media.write_movie,
        codec="prores_ks",
        pix_fmt="yuv422p10le",
        frames=4,
        width=96,
        height=64,
    )
    shutil.copy(movie, root / "A001C001.mov")
    (root / "broken.mov").write_bytes(b"")
    summary = api.scan([root], catalog, workers=0)

    html = render_html(build_report(catalog, title="Show <A>"))

    assert "Show &lt;A&gt;" in html  # titles are escaped, never markup
    # The folder all paths share is said once; cells show the part that differs.
    assert f"Paths are relative to <code>{root}/</code>" in html
    assert "./A001C001.mov" in html
    assert "zero-byte file" in html
    assert f"{summary.assets} assets" in html
    # One file, mailed around: nothing may load from elsewhere.
    assert not re.search(r"(src|href)=\"(https?:|//)", html)
    assert "<script" not in html
