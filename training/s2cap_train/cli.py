"""The command line: `python -m s2cap_train fit|export|caption …`.

One function per subcommand: `_add_<name>(subparsers)` declares its arguments and sets
`run=_<name>`, a function taking the parsed args and returning the exit status; SUBCOMMANDS lists
the `_add_*` functions, so a new subcommand is one function pair plus one entry there.
Bad input (a ValueError from the package, or bad arguments) is one line on stderr,
`s2cap_train: <reason>`, and exit status 2; `fit` also writes it as an `error` progress event on
stdout, where the studio's train job reads events."""
from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import traceback
from typing import Callable, Iterator, Optional

from .pack_commands import add_caption, add_export  # export and caption live there

PROG = "s2cap_train"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (`s2cap_train: <reason>`) and exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        sys.stderr.write(f"{PROG}: {message} (see `python -m {PROG} {self._sub_name()}--help`)\n")
        sys.exit(2)

    def _sub_name(self) -> str:
        parts = self.prog.split()
        return f"{parts[-1]} " if len(parts) > 1 else ""


def fail(message: str) -> int:
    sys.stderr.write(f"{PROG}: {message}\n")
    return 2


# ---- fit -------------------------------------------------------------------------------------

def _add_fit(sub) -> None:
    p = sub.add_parser("fit", help="train on a studio audiofolder export (both stages, resumable)",
                       description="Trains the S2Cap captioner on EXPORT_DIR (the studio's audiofolder export): "
                                   "stage 1 CRESCENDO, stage 2 cross-entropy + demixing KL, validation each epoch, "
                                   "best.pt/last.pt in RUN_DIR. Progress: JSON lines on stdout; logs on stderr.")
    p.add_argument("--data", required=True, metavar="EXPORT_DIR", help="the studio's audiofolder export")
    p.add_argument("--out", required=True, metavar="RUN_DIR", help="run folder (created; resumed when it holds last.pt)")
    p.add_argument("--config", metavar="CONFIG", help="JSON file overriding any of the paper's defaults (config.py)")
    p.add_argument("--init-encoder", metavar="DIR", help="Hugging Face AST checkpoint folder (config.json + weights)")
    p.add_argument("--init-decoder", metavar="DIR",
                   help="Hugging Face BART checkpoint folder (config.json + weights + tokenizer.json)")
    p.add_argument("--device", choices=("cpu", "cuda"), help="default: cuda when available")
    p.add_argument("--no-resume", action="store_true",
                   help="start over even if RUN_DIR holds last.pt (its checkpoints are replaced)")
    p.set_defaults(run=_fit)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside, SIGTERM (the studio cancelling its job) raises KeyboardInterrupt as Ctrl-C does, so
    `fit` and `export` end the same way for both; outside the main thread (an embedding caller)
    its own handler stays."""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _fit(args) -> int:
    from .config import load_config
    from .progress import Progress
    from .train import fit

    progress = Progress()
    try:  # a terminated run ends like Ctrl-C: an error event, exit 130
        with sigterm_as_interrupt():
            cfg = load_config(args.config)
            progress.every = max(1, cfg.train.log_every_steps)
            fit(cfg, args.data, args.out, init_encoder=args.init_encoder, init_decoder=args.init_decoder,
                resume=not args.no_resume, device=args.device, progress=progress)
    except ValueError as e:
        message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        progress.error(message)
        return fail(message)
    except KeyboardInterrupt:
        progress.error("interrupted; run the same command again to resume from the last epoch")
        return 130
    except Exception as e:  # a bug or the machine (CUDA out of memory, disk full): the trace helps more than a line
        progress.error(f"{type(e).__name__}: {e}")
        traceback.print_exc()
        return 1
    return 0


# ---- the table -------------------------------------------------------------------------------

SUBCOMMANDS: list[Callable] = [_add_fit, add_export, add_caption]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="S2Cap retraining recipe: train on a studio export, export a model pack.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
