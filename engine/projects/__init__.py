"""Projects and orphans: what each project uses, how big and how active it is, and which
media under the roots no active project needs. Works on a session the orchestration layer
(`mediaopt.engine.production`) has read and resolved."""
