"""Storage bandwidth: what media, timelines and workflows need, what storage delivers,
and whether it will work."""
