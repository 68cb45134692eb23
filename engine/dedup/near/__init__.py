"""Perceptual fingerprints of pictures and sound, and the index that finds near pairs."""
