"""The README's picture of the report: `mediaopt demo` run for real, its report opened in
headless Chromium (fixtures/browser.py), the overview and the treemap captured.

    uv run python benchmarks/screenshot.py [--out docs/report.png] [--demo DIR]

Prints the demo's time, the page's load time and the picture's size. The PNG is reduced
to a 256-colour palette so it stays small enough to commit (< 300 KB).
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

WIDTH = 1280
"""A laptop screen: the page's own layout at the width most readers see it."""
SCALE_TO = 1000
"""Pixels across in the committed picture: GitHub shows a README at most ~880 px wide."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="docs/report.png")
    parser.add_argument("--demo", help="an existing `mediaopt demo` folder (default: build one)")
    args = parser.parse_args()

    from mediaopt.engine.cli import main as mediaopt
    from mediaopt.fixtures.browser import browser, open_page, unavailable_reason

    reason = unavailable_reason()
    if reason:
        raise SystemExit(reason)
    demo = Path(args.demo or tempfile.mkdtemp(prefix="mediaopt-screenshot-"))
    report = demo / "report.html"
    if not report.exists():
        started = time.perf_counter()
        if mediaopt(["demo", str(demo)]) != 0:
            raise SystemExit("mediaopt demo failed")
        print(f"mediaopt demo: {time.perf_counter() - started:.1f} s")
    with browser(width=WIDTH, height=900) as context:
        started = time.perf_counter()
        page = open_page(context, report)
        print(f"report opened (load event) in {time.perf_counter() - started:.2f} s")
        if page.errors:
            raise SystemExit(f"console errors: {page.errors}")
        page.page.wait_for_selector("#treemap svg g")
        top = page.page.locator("#sec-overview").bounding_box()
        treemap = page.page.locator("#sec-treemap").bounding_box()
        plan = page.page.locator("#sec-plan").bounding_box()
        # The overview, then the treemap: the savings plan's evidence between them is text
        # a reader opens in the page itself.
        shots = [
            page.page.screenshot(full_page=True, clip=_clip(top, plan["y"] - top["y"])),
            page.page.screenshot(full_page=True, clip=_clip(treemap, treemap["height"])),
        ]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _stack(shots, out)
    print(f"{out}: {out.stat().st_size / 1000:.0f} KB")


def _clip(box: dict, height: float) -> dict:
    return {"x": box["x"] - 16, "y": box["y"], "width": box["width"] + 32, "height": height}


def _stack(shots: list[bytes], out: Path) -> None:
    from PIL import Image

    images = [Image.open(io.BytesIO(s)).convert("RGB") for s in shots]
    width = max(i.width for i in images)
    sheet = Image.new("RGB", (width, sum(i.height for i in images)), "white")
    y = 0
    for image in images:
        sheet.paste(image, (0, y))
        y += image.height
    height = round(sheet.height * SCALE_TO / sheet.width)
    sheet = sheet.resize((SCALE_TO, height), Image.LANCZOS)
    sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)


if __name__ == "__main__":
    main()
