"""The DaVinci Resolve script (`mediaopt_resolve.py`), copied into Resolve's
Fusion/Scripts/Utility folder and run from Workspace > Scripts."""
