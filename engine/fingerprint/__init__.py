"""Perceptual fingerprints of pictures and sound, the index that finds near pairs among
them, and their cache in the catalog: shared by duplicate search and perceptual lineage."""
