"""Orchestration: read a production's project files (through the adapters), resolve them,
gather lineage and run each analysis over the same read, into one record."""
