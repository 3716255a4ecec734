"""The `export` and `caption` subcommands of `python -m s2cap_train` (cli.py's SUBCOMMANDS table
lists add_export and add_caption; kept apart from cli.py so that its commands' authors edit
different files):

  export RUN_DIR --out PACK_DIR [--name N] [--version V] [--quantize] [--checkpoint F] [--license L] [--json]
  caption RUN_DIR AUDIO… | caption --checkpoint F AUDIO…  [--beams K] [--json]

`caption` prints the PyTorch model's own captions (greedy with --beams 1, beam search otherwise;
default: the run's generation.num_beams), the reference an exported pack's captions are held to.
Bad input exits 2 with one line on stderr (`s2cap_train: <reason>`, as cli.py's) naming the file
and the reason."""
from __future__ import annotations

import argparse
import json


def add_export(sub) -> None:
    e = sub.add_parser("export", help="write a studio model pack from a trained run",
                       description="Writes a model pack (ONNX encoder, decoder pair with KV cache, tokenizer, "
                                   "generation config, model.json) from RUN_DIR's best checkpoint (else its last).")
    e.add_argument("run_dir", metavar="RUN_DIR")
    e.add_argument("--out", required=True, metavar="PACK_DIR", help="the pack folder to create (must not exist)")
    e.add_argument("--name", help="pack name (default: s2cap-<run folder name>)")
    e.add_argument("--version", help="pack version (default: 1.0.0+<checkpoint hash>)")
    e.add_argument("--quantize", action="store_true", help="also write int8 *_quantized.onnx graphs")
    e.add_argument("--checkpoint", metavar="FILE", help="export this checkpoint instead of best.pt / last.pt")
    e.add_argument("--license", help="model.json license (default: unspecified)")
    e.add_argument("--json", action="store_true", help="print the result as one JSON object")
    e.set_defaults(run=run_export)


def add_caption(sub) -> None:
    c = sub.add_parser("caption", help="caption audio files with a trained run's PyTorch model",
                       description="Captions WAV files with the run's model (best.pt, else last.pt) in PyTorch.")
    c.add_argument("paths", nargs="+", metavar="RUN_DIR|AUDIO", help="the run folder then audio files (without --checkpoint)")
    c.add_argument("--checkpoint", metavar="FILE", help="a checkpoint file; its folder holds config.json and tokenizer.json")
    c.add_argument("--beams", type=int, metavar="K", help="1: greedy; default: the run's generation.num_beams")
    c.add_argument("--json", action="store_true", help="print a JSON array of {audio, text, tokens, score, beams}")
    c.set_defaults(run=run_caption)


def run_export(args: argparse.Namespace) -> int:
    import warnings

    from torch.jit import TracerWarning

    from .cli import fail, sigterm_as_interrupt  # imported here: cli.py imports this module
    from .export_pack import export
    # SIGTERM (the studio cancelling its train job) ends the export like Ctrl-C, so export()
    # removes its temporary pack folder instead of leaving it in the run folder.
    try:
        with sigterm_as_interrupt(), warnings.catch_warnings():
            # The tracer warns about shapes read as Python numbers (the fixed input size, the head
            # width): those are constants of the model; the round-trip test checks the graphs.
            warnings.simplefilter("ignore", TracerWarning)
            res = export(args.run_dir, args.out, name=args.name, version=args.version, quantize=args.quantize,
                         checkpoint=args.checkpoint, license=args.license)
    except ValueError as e:
        return fail(str(e))
    except KeyboardInterrupt:
        fail("interrupted; nothing was written")
        return 130
    if args.json:
        print(json.dumps(res))
    else:
        print(f"wrote {res['pack']}: {res['id']}, {len(res['files'])} files, {res['bytes'] / 1e6:.1f} MB in {res['seconds']:.1f} s")
        print(f"install it: s2cap models install {res['pack']}")
    return 0


def run_caption(args: argparse.Namespace) -> int:
    from .cli import fail
    from .runs import caption_files, load_run
    run_dir, audio = (None, args.paths) if args.checkpoint else (args.paths[0], args.paths[1:])
    if not audio:
        return fail("no audio files given (usage: caption RUN_DIR AUDIO… or caption --checkpoint F AUDIO…)")
    if args.beams is not None and not 1 <= args.beams <= 64:
        return fail(f"--beams must be from 1 to 64, got {args.beams}")
    try:
        run = load_run(run_dir, args.checkpoint)
        beams = args.beams if args.beams is not None else run.cfg.generation.num_beams
        out = caption_files(run, audio, num_beams=beams)
    except ValueError as e:
        return fail(str(e))
    for item in out:
        item["beams"] = beams
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        for item in out:
            print(f"{item['audio']}\t{item['text']}")
    return 0
