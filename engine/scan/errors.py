"""What can go wrong while scanning and probing."""


class ScanError(Exception):
    """A scan could not run at all (a root that does not exist, a catalog it cannot open)."""


class ProbeError(Exception):
    """A header could not be read; the message is the one-line reason users see."""
