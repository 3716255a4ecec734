"""`python -m s2cap_train` run by an interpreter without PyTorch: one line saying what to install."""
import os
import subprocess
import sys
import unittest

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The package run as `python -m s2cap_train fit …` with `torch` made unimportable.
WITHOUT_TORCH = ("import runpy, sys; sys.modules['torch'] = None; sys.argv = ['s2cap_train', 'fit', '--data', 'x', '--out', 'y'];"
                 " runpy.run_module('s2cap_train', run_name='__main__', alter_sys=True)")


class MissingTorch(unittest.TestCase):
    def test_one_line_naming_what_to_install(self):
        r = subprocess.run([sys.executable, "-c", WITHOUT_TORCH], cwd=TRAINING, capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertRegex(lines[0], r"^s2cap_train: .* cannot import torch: run it with a Python that has PyTorch")
        self.assertIn("python3-torch", lines[0])


if __name__ == "__main__":
    unittest.main()
