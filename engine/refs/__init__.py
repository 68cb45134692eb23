"""References: where a path written in a project points on this machine, the catalog index
that answers it, and the one resolver every command uses."""
