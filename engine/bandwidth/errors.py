"""What can go wrong in bandwidth analysis. A ValueError, so the CLI prints it as a
one-line usage error naming the file and the reason."""


class BandwidthError(ValueError):
    """Media, a timeline, a workflow file or a storage path that cannot be analysed."""
