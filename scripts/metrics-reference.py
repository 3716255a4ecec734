#!/usr/bin/env python3
"""Expected caption metrics for test/fixtures/metrics, computed with pycocoevalcap v1.2 itself.

Why: src/core/metrics/caption/ reimplements pycocoevalcap's tokenization, BLEU, ROUGE-L and
CIDEr-D in TypeScript; its tests compare against the numbers this script writes. pycocoevalcap is
never vendored: pass the path of a checkout (github salaniz/pycocoevalcap, tag v1.2; the folder
that holds bleu/, rouge/, cider/, tokenizer/).

Tokenization: pycocoevalcap's PTBTokenizer shells out to Stanford CoreNLP 3.4.1's jar, which a
checkout without Git LFS-size files may lack. With --tokenizer-classpath CP (a directory or jar
holding edu.stanford.nlp.process.PTBTokenizer 3.4.1) or with the jar present in the checkout, the
script runs pycocoevalcap's own PTBTokenizer wrapper on the fixture captions and records its
output in tokenized.json; otherwise it reads the recorded tokenized.json. The scorers then run on
that tokenized text exactly as pycocoevalcap's COCOEvalCap does (Bleu(4) with "closest", Rouge,
Cider with n=4, sigma=6).

Usage: python3 scripts/metrics-reference.py PYCOCOEVALCAP_DIR [--tokenizer-classpath CP]
Needs numpy. Writes test/fixtures/metrics/tokenized.json (when tokenizing) and expected.json.
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures", "metrics")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_package(checkout):
    """Import the checkout as the package `pycocoevalcap` (setup.py maps its root to that name)."""
    pkg = types.ModuleType("pycocoevalcap")
    pkg.__path__ = [os.path.abspath(checkout)]
    sys.modules["pycocoevalcap"] = pkg
    return {
        name: importlib.import_module("pycocoevalcap." + mod)
        for name, mod in [("bleu", "bleu.bleu"), ("rouge", "rouge.rouge"), ("cider", "cider.cider"), ("ptb", "tokenizer.ptbtokenizer")]
    }


def write_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkout")
    ap.add_argument("--tokenizer-classpath")
    args = ap.parse_args()

    mods = load_package(args.checkout)
    cands = read_jsonl(os.path.join(FIXTURES, "candidates.jsonl"))
    refs = {r["id"]: r["captions"] for r in read_jsonl(os.path.join(FIXTURES, "references.jsonl"))}
    ids = [c["id"] for c in cands]
    tokenized_path = os.path.join(FIXTURES, "tokenized.json")

    ptb = mods["ptb"]
    jar_in_checkout = os.path.join(os.path.dirname(ptb.__file__), ptb.STANFORD_CORENLP_3_4_1_JAR)
    classpath = os.path.abspath(args.tokenizer_classpath) if args.tokenizer_classpath else (
        jar_in_checkout if os.path.exists(jar_in_checkout) else None)
    if classpath:
        ptb.STANFORD_CORENLP_3_4_1_JAR = classpath
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        tokenizer = ptb.PTBTokenizer()
        # The same calls COCOEvalCap.evaluate makes: gts and res tokenized separately.
        gts = tokenizer.tokenize({i: [{"caption": c} for c in refs[i]] for i in ids})
        res = tokenizer.tokenize({c["id"]: [{"caption": c["caption"]}] for c in cands})
        write_json(tokenized_path, {
            "source": "pycocoevalcap v1.2 tokenizer/ptbtokenizer.py with edu.stanford.nlp.process.PTBTokenizer "
                      "3.4.1 (-preserveLines -lowerCase) on " + java,
            "candidates": {i: res[i][0] for i in ids},
            "references": {i: gts[i] for i in ids},
        })
    with open(tokenized_path, encoding="utf-8") as f:
        tok = json.load(f)
    gts = {i: tok["references"][i] for i in ids}
    res = {i: [tok["candidates"][i]] for i in ids}

    (b, b_items) = mods["bleu"].Bleu(4).compute_score(gts, res, verbose=0)
    (r, r_items) = mods["rouge"].Rouge().compute_score(gts, res)
    (c, c_items) = mods["cider"].Cider().compute_score(gts, res)
    write_json(os.path.join(FIXTURES, "expected.json"), {
        "source": "pycocoevalcap v1.2 Bleu(4) closest, Rouge, Cider(n=4, sigma=6) on tokenized.json "
                  "(scripts/metrics-reference.py)",
        "corpus": {"bleu_1": b[0], "bleu_2": b[1], "bleu_3": b[2], "bleu_4": b[3],
                   "rouge_l": float(r), "cider_d": float(c)},
        "per_item": [{"id": i, "bleu_1": b_items[0][k], "bleu_2": b_items[1][k], "bleu_3": b_items[2][k],
                      "bleu_4": b_items[3][k], "rouge_l": float(r_items[k]), "cider_d": float(c_items[k])}
                     for k, i in enumerate(ids)],
    })


if __name__ == "__main__":
    main()
