"""An OpenTimelineIO media linker backed by the mediaopt catalog.

OTIO discovers it through the `opentimelineio.plugins` entry point (pyproject.toml) and
this package's plugin_manifest.json. Any OTIO user can then relink through mediaopt:

    otio.adapters.read_from_file("cut.edl", media_linker_name="mediaopt",
                                 media_linker_argument_map={"catalog": "/path/catalog.sqlite"})

or set OTIO_DEFAULT_MEDIA_LINKER=mediaopt.
"""
