"""The command line: `python -m s2cap_train fit|export|caption|features …`."""


def main(argv=None) -> int:
    raise NotImplementedError
