import sys

from mediaopt.engine.cli import main

sys.exit(main())
