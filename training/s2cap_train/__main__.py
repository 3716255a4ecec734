"""`python -m s2cap_train …`: the command line (cli.py). An interpreter without PyTorch or NumPy
(often another `python3` than the one that has them) gets one line naming what to install,
not a traceback from deep inside the package."""
import sys

try:
    import numpy  # noqa: F401
    import torch  # noqa: F401
except ImportError as e:
    sys.stderr.write(
        f"s2cap_train: {sys.executable} cannot import {e.name or 'a dependency'}: run it with a Python that has "
        "PyTorch and NumPy (Debian: apt install python3-torch python3-numpy, then /usr/bin/python3; or pip install torch numpy)\n")
    sys.exit(2)

from .cli import main

sys.exit(main())
