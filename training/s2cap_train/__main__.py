"""`python -m s2cap_train …`: the command line (cli.py)."""
import sys

from .cli import main

sys.exit(main())
