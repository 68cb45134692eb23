"""Maps the repository's data-flow folders into the one import package `mediaopt`.

The folders stay at the top of the tree (engine/, adapters/, hosts/, fixtures/) as DESIGN.md
lays out, but install as mediaopt.engine, mediaopt.adapters, ... so nothing generic lands in
site-packages. Subpackages are found here rather than listed in pyproject.toml, so a new
folder cannot be forgotten; tests/test_packaging.py checks the built wheel holds every module.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = {
    "mediaopt": "mediaopt",
    "mediaopt.engine": "engine",
    "mediaopt.adapters": "adapters",
    "mediaopt.hosts": "hosts",
    "mediaopt.fixtures": "fixtures",
}

packages: list[str] = []
package_dir: dict[str, str] = {}
for name, folder in FOLDERS.items():
    packages.append(name)
    package_dir[name] = folder
    for sub in find_namespace_packages(folder, exclude=["*__pycache__*"]):
        packages.append(f"{name}.{sub}")

setup(
    packages=packages,
    package_dir=package_dir,
    # Host add-ons carry non-Python files (menus, manifests) that the hosts load directly.
    package_data={
        "mediaopt.hosts": ["**/*"],
        "mediaopt": ["py.typed"],
        # OTIO reads the media linker's manifest from the installed package.
        "mediaopt.engine.production.otio_linker": ["plugin_manifest.json"],
        # The report inlines its script and style into every page it writes.
        "mediaopt.engine.report": ["static/*.js", "static/*.css"],
    },
    include_package_data=True,
)
