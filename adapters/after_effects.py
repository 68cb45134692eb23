"""After Effects projects -> Project, without After Effects: binary .aep through py-aep,
XML .aepx parsed directly.

Both name footage the same way: a footage item's `Pin` holds an `Als2` alias whose
`fileReference` (XML) or `Alas` JSON (binary) has the `fullpath`, the platform it was
written on and whether it names a folder. A footage item's first `Pin` is its main
source, a second one its proxy. Render-queue output modules name what a comp renders
to: lineage, role `write`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from mediaopt.adapters.registry import reader
from mediaopt.adapters.untrusted import MAX_PROJECT_BYTES, TooLarge, gunzip_bounded, parse_xml
from mediaopt.engine.model import Project, Reference, ReferenceTarget

__all__ = ["read_aep", "read_aepx"]

_NS = "{http://www.adobe.com/products/aftereffects}"
_FRAME = re.compile(r"(\d+)(\.[^./\\]+)$")
_BRACKET = re.compile(r"\[(\d+)-(\d+)\]")


@reader("after_effects", ["aep"], preferred=True)
def read_aep(path: Path) -> Project:
    """Footage items (files, image sequences, proxies) and render-queue outputs, through
    py-aep. A file py-aep cannot parse is an error naming py-aep's reason."""
    import py_aep  # lazily: only needed when a binary project is read

    if path.stat().st_size > MAX_PROJECT_BYTES:
        raise TooLarge(f"{path} is larger than {MAX_PROJECT_BYTES:,} bytes")
    project = Project(path=str(path), kind="after_effects", name=path.stem)
    try:
        app = py_aep.parse(str(path))
    except Exception as exc:  # py-aep's own failure on a layout it does not know
        version = _version("py-aep")
        project.errors.append(
            f"{path}: py-aep {version} cannot read this project "
            f"({type(exc).__name__}: {exc}); its footage is unknown"
        )
        return project
    project.references.extend(_binary_footage(app.project))
    project.references.extend(_binary_outputs(app.project))
    return project


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def _binary_footage(ae) -> Iterator[Reference]:
    for item in ae.items.values():
        if type(item).__name__ != "FootageItem":
            continue
        name = getattr(item, "name", None)
        main = getattr(item, "main_source", None)
        if main is not None and hasattr(main, "file"):
            yield from _file_source(main, name, "read")
        proxy = getattr(item, "proxy_source", None)
        if proxy is not None and hasattr(proxy, "file"):
            yield from _file_source(proxy, name, "proxy")


def _file_source(source, name: str | None, role: str) -> Iterator[Reference]:
    path = str(source.file or "")
    if not path:
        return
    names = list(getattr(source, "file_names", None) or [])
    common = {"name": name, "role": role, "owner": "FootageItem", "location": "project"}
    if getattr(source, "target_is_folder", False):
        common["note"] = "names a folder"
    # AE names an imported sequence `shot.[0001-0003].png`; its file list may be empty.
    bracket = _BRACKET.search(name or "")
    if not getattr(source, "is_still", True) and (len(names) > 1 or bracket):
        sequence = _sequence(path, names)
        if sequence is not None:
            pattern, frames = sequence
            if bracket and len(names) <= 1:
                frames = (int(bracket.group(1)), int(bracket.group(2)))
            yield Reference(target=ReferenceTarget.SEQUENCE, path=pattern, frames=frames, **common)
            return
    yield Reference(target=ReferenceTarget.FILE, path=path, **common)


def _sequence(first: str, names: list[str]) -> tuple[str, tuple[int, int]] | None:
    """`/a/shot.0001.exr` and the sequence's file names -> (`/a/shot.####.exr`, frames)."""
    match = _FRAME.search(first)
    if match is None:
        return None
    numbers = [int(m.group(1)) for m in map(_FRAME.search, names) if m]
    digits = match.group(1)
    pattern = first[: match.start(1)] + "#" * len(digits) + match.group(2)
    return pattern, (min(numbers), max(numbers)) if numbers else (int(digits), int(digits))


def _binary_outputs(ae) -> Iterator[Reference]:
    for number, item in enumerate(getattr(ae.render_queue, "items", None) or [], 1):
        comp = getattr(getattr(item, "comp", None), "name", None)
        for module in getattr(item, "output_modules", None) or []:
            file = str(getattr(module, "file", "") or "")
            if file:
                yield Reference(
                    target=ReferenceTarget.FILE, path=file, role="write", name=comp,
                    owner="OutputModule", location=f"render queue item {number}",
                )  # fmt: skip


@reader("after_effects", ["aepx"], preferred=True)
def read_aepx(path: Path) -> Project:
    """Every `fileReference` of the XML project: footage (a second source of an item is
    its proxy) and render-queue outputs."""
    with gunzip_bounded(path) as stream:
        root = parse_xml(stream)
    if root.tag != f"{_NS}AfterEffectsProject":
        raise ValueError(f"not After Effects project XML (root element <{root.tag}>)")
    project = Project(path=str(path), kind="after_effects", name=path.stem)
    project.references.extend(_xml_references(root))
    return project


def _xml_references(root: Element) -> Iterator[Reference]:
    yield from _walk(root, role="read", item=None)


def _walk(element: Element, role: str, item: Element | None) -> Iterator[Reference]:
    pins = 0
    for child in element:
        tag = child.tag.removeprefix(_NS)
        if tag == "LRdr":
            yield from _walk(child, "write", None)
        elif tag == "Item":
            yield from _walk(child, role, child)
        elif tag == "Pin":
            pins += 1
            yield from _walk(child, "proxy" if pins > 1 and role == "read" else role, item)
        elif tag == "fileReference":
            yield _xml_reference(child, role, item)
        else:
            yield from _walk(child, role, item)


def _xml_reference(ref: Element, role: str, item: Element | None) -> Reference:
    path = ref.get("fullpath", "")
    notes = [f"written on {ref.get('platform')}"] if ref.get("platform") else []
    if ref.get("target_is_folder") == "1":
        notes.append("names a folder")
    name = None
    if item is not None:
        name = (item.findtext(f"{_NS}string") or "").strip() or None
    return Reference(
        target=ReferenceTarget.FILE if path else ReferenceTarget.MISSING,
        path=path or None,
        name=name or (os.path.basename(path.replace("\\", "/")) or None),
        role=role,
        owner="OutputModule" if role == "write" else "FootageItem",
        location="render queue" if role == "write" else "project",
        note="; ".join(notes) or None,
    )
