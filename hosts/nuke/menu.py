# mediaopt for Nuke: the Nuke > mediaopt menu (see mediaopt_nuke/__init__.py).
import mediaopt_nuke

mediaopt_nuke.add_menu()
