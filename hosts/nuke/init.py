# mediaopt for Nuke: nothing runs at start-up without a UI (render nodes, `nuke -t`);
# menu.py adds the menu when Nuke has one. This folder is on Nuke's plug-in path through
# the line `mediaopt hosts install nuke` adds to ~/.nuke/init.py, which also puts the
# mediaopt_nuke package on sys.path.
