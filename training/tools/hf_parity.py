#!/usr/bin/env python3
"""Checks, on a machine that has `transformers` (the lent GPU machine), that our plain-PyTorch AST
and BART give Hugging Face's outputs with the same weights, and measures training speed.
It exists because the package must not depend on transformers, so the unit tests cannot compare
with it; this script is the comparison, run by hand:

  python3 training/tools/hf_parity.py [--ast DIR] [--bart DIR] [--device cuda] [--batch 16]

1. Parity: HF ASTModel and BartForConditionalGeneration at base sizes (random init, every tensor
   perturbed so no zero hides a wiring error; or loaded from local folders), their state dicts
   loaded into ours through weights.py's load_ast / load_bart (as --init loads a folder); prints max |Δ| of AST last_hidden_state,
   BART encoder output and decoder logits (target < 1e-4), and whether our greedy and beam search
   give HF generate()'s sequences and beam scores (text encoder states, and audio-shaped states).
2. Speed: steps/s of fit's own stage-2 training step (train.py's loss on a collated batch:
   SpecAugment, AST-base + projection + BART-base, the mix encoded with gradients and the vocal
   stem without, CE + demixing KL; AdamW over fit's parameter groups, gradient clipping) in fp32 and AMP.
`--skip-hf` runs only part 2 (no transformers needed); `--tiny` uses the test-sized model."""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from s2cap_train.config import Config, GenerationConfig  # noqa: E402
from s2cap_train.data import Collate  # noqa: E402
from s2cap_train.generate import generate_from_states  # noqa: E402
from s2cap_train.models.ast import ASTEncoder  # noqa: E402
from s2cap_train.models.bart import BartForConditionalGeneration  # noqa: E402
from s2cap_train.models.captioner import S2CapModel  # noqa: E402
from s2cap_train.train import _loss, _param_groups, _scaler  # noqa: E402  (fit's step, measured as it runs)
from s2cap_train.weights import decoder_config_from_hf, encoder_config_from_hf, load_ast, load_bart  # noqa: E402

TARGET = 1e-4


def report(name: str, value, ok: bool | None = None) -> None:
    flag = "" if ok is None else ("  ok" if ok else "  FAIL")
    print(json.dumps({"check": name, "value": value}) + flag, flush=True)


def perturb(model: torch.nn.Module, seed: int) -> None:
    """Random values in every parameter and buffer (HF zero-initialises tokens, positions, biases)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in list(model.named_parameters()) + list(model.named_buffers()):
            if not t.is_floating_point():
                continue
            noise = torch.randn(t.shape, generator=g).to(t.device)
            t.copy_(1 + 0.1 * noise if "norm" in name and name.endswith("weight") else t + 0.02 * noise)


def hf_model(cls, folder: str | None, make_config, seed: int):
    """The HF model from FOLDER, else a random one (make_config()) with every tensor perturbed;
    eager attention either way (transformers before attn_implementation has only eager)."""
    if folder:
        try:
            return cls.from_pretrained(folder, attn_implementation="eager")
        except TypeError:
            return cls.from_pretrained(folder)
    config = make_config()
    try:
        config._attn_implementation = "eager"
    except AttributeError:
        pass
    model = cls(config)
    perturb(model, seed)
    return model


def ast_parity(folder: str | None, device: str) -> None:
    from transformers import ASTConfig, ASTModel
    hf = hf_model(ASTModel, folder, ASTConfig, 1).to(device).eval()
    config = hf.config.to_dict()
    ours = ASTEncoder(encoder_config_from_hf(config)).to(device).eval()
    notes = load_ast(ours, config, hf.state_dict(), folder or "hf:ASTModel")
    x = torch.randn(2, ours.cfg.max_length, ours.cfg.num_mel_bins, generator=torch.Generator().manual_seed(2)).to(device)
    with torch.no_grad():
        want = hf(input_values=x).last_hidden_state
        got = ours(x)
    d = (want - got).abs().max().item()
    report("ast.last_hidden_state max|Δ|", d, d < TARGET)
    if notes:
        report("ast.notes", notes)


def _bart_base_config():
    from transformers import BartConfig
    return BartConfig(vocab_size=50265, d_model=768, encoder_layers=6, decoder_layers=6, encoder_attention_heads=12,
                      decoder_attention_heads=12, encoder_ffn_dim=3072, decoder_ffn_dim=3072,
                      max_position_embeddings=1024, forced_bos_token_id=0, forced_eos_token_id=None)


def _hf_sequences(out, eos: int) -> list[list[int]]:
    """HF pads finished sequences; cut each after its first EOS past the decoder start token."""
    seqs = []
    for row in out.tolist():
        end = next((i for i in range(1, len(row)) if row[i] == eos), len(row) - 1)
        seqs.append(row[:end + 1])
    return seqs


def _generation_cases(gen_base: GenerationConfig):
    for beams in (1, 4):
        for early in ((True, False) if beams > 1 else (True,)):
            yield dataclasses.replace(gen_base, num_beams=beams, early_stopping=early)


def _generate_parity(hf, ours, dec, label: str, states, mask, hf_kwargs: dict) -> None:
    base = GenerationConfig(num_beams=4, max_length=24, min_length=6, no_repeat_ngram_size=3, length_penalty=1.0)
    for gen in _generation_cases(base):
        with torch.no_grad():
            out = hf.generate(**hf_kwargs, num_beams=gen.num_beams, max_length=gen.max_length,
                              min_length=gen.min_length, no_repeat_ngram_size=gen.no_repeat_ngram_size,
                              length_penalty=gen.length_penalty, early_stopping=gen.early_stopping, do_sample=False,
                              decoder_start_token_id=dec.decoder_start_token_id, bos_token_id=dec.bos_token_id,
                              eos_token_id=dec.eos_token_id, pad_token_id=dec.pad_token_id,
                              forced_bos_token_id=dec.forced_bos_token_id, forced_eos_token_id=None,
                              num_return_sequences=1, output_scores=True, return_dict_in_generate=True)
        want = _hf_sequences(out.sequences, dec.eos_token_id)
        res = generate_from_states(ours, states, mask, gen, dec)
        got = [r.sequence for r in res]
        name = f"generate[{label}] beams={gen.num_beams} early_stopping={gen.early_stopping}"
        report(name + " sequences equal", got == want, got == want)
        if got != want:
            report(name + " hf", want)
            report(name + " ours", got)
        if gen.num_beams > 1 and getattr(out, "sequences_scores", None) is not None:
            d = max(abs(a - b) for a, b in zip(out.sequences_scores.tolist(), [r.score for r in res]))
            report(name + " beam score max|Δ|", d, d < 1e-3)


def bart_parity(folder: str | None, device: str) -> None:
    from transformers import BartForConditionalGeneration as HFBart
    hf = hf_model(HFBart, folder, _bart_base_config, 3)
    if not folder:
        with torch.no_grad():
            hf.model.shared.weight.mul_(10.0)  # peaked next-token distributions, so fp noise flips no argmax
    hf = hf.to(device).eval()
    config = hf.config.to_dict()
    dec = decoder_config_from_hf(config)
    ours = BartForConditionalGeneration(dec).to(device).eval()
    notes = load_bart(ours, config, hf.state_dict(), folder or "hf:BartForConditionalGeneration")
    g = torch.Generator().manual_seed(4)
    ids = torch.randint(3, dec.vocab_size, (2, 20), generator=g)
    ids[:, 0], ids[0, -1], ids[1, 14], ids[1, 15:] = 0, 2, 2, dec.pad_token_id
    mask = (ids != dec.pad_token_id).long()
    dec_ids = torch.randint(3, dec.vocab_size, (2, 12), generator=g)
    dec_ids[:, 0] = dec.decoder_start_token_id
    ids, mask, dec_ids = ids.to(device), mask.to(device), dec_ids.to(device)
    with torch.no_grad():
        out = hf(input_ids=ids, attention_mask=mask, decoder_input_ids=dec_ids)
        enc = ours.encode_text(ids, mask)
        logits, _ = ours.decode(dec_ids, enc, mask)
    keep = mask.bool()
    d_enc = (out.encoder_last_hidden_state - enc).abs()[keep].max().item()
    d_logits = (out.logits - logits).abs().max().item()
    report("bart.encoder_output max|Δ| (real tokens)", d_enc, d_enc < TARGET)
    report("bart.decoder_logits max|Δ|", d_logits, d_logits < TARGET)
    if notes:
        report("bart.notes", notes)
    _generate_parity(hf, ours, dec, "text", enc, mask, {"input_ids": ids, "attention_mask": mask})
    # audio-shaped: the decoder cross-attends to given states (what S2CapModel.encode_audio feeds it)
    try:
        from transformers.modeling_outputs import BaseModelOutput
        states = torch.randn(2, 1214, dec.d_model, generator=g).to(device)
        _generate_parity(hf, ours, dec, "audio states", states, None,
                         {"encoder_outputs": BaseModelOutput(last_hidden_state=states)})
    except Exception as e:  # an older transformers may not take encoder_outputs alone: say so, go on
        report("generate[audio states]", f"skipped: {type(e).__name__}: {e}")


def _train_step(model, opt, scaler, params, batch: dict, cfg: Config, dev: torch.device, sa_gen, amp: bool) -> float:
    """One optimizer step as fit's loop takes it (train.py): the stage-2 loss, scaled backward, clip, step."""
    loss, _ = _loss(model, batch, cfg.train.stage2, cfg, dev, sa_gen, amp)
    opt.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    if cfg.train.grad_clip:
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(params, cfg.train.grad_clip)
    scaler.step(opt)
    scaler.update()
    return float(loss.detach())


def _batch(cfg: Config, batch: int, caption_tokens: int) -> dict:
    """A batch as fit's DataLoader hands it over (Collate, on the CPU): random features and stems,
    captions of caption_tokens random tokens."""
    g = torch.Generator().manual_seed(5)
    shape = (cfg.encoder.max_length, cfg.encoder.num_mel_bins)
    items = [{"id": str(i), "caption": "", "features": torch.randn(shape, generator=g),
              "vocal_features": torch.randn(shape, generator=g),
              "tokens": torch.randint(3, cfg.decoder.vocab_size, (caption_tokens,), generator=g).tolist()}
             for i in range(batch)]
    return Collate(cfg.decoder.pad_token_id, cfg.decoder.decoder_start_token_id)(items)


def speed(cfg: Config, device: str, batch: int, steps: int, caption_tokens: int) -> None:
    torch.manual_seed(0)
    dev = torch.device(device)
    model = S2CapModel(cfg).to(dev).train()
    params = list(model.parameters())
    data = _batch(cfg, batch, caption_tokens)
    amps = (False, True) if dev.type == "cuda" else (False,)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    for amp in amps:
        opt = torch.optim.AdamW(_param_groups(model, cfg.train.weight_decay), lr=cfg.train.stage2.lr)
        scaler = _scaler(amp)
        sa_gen = torch.Generator().manual_seed(cfg.train.seed + 2)
        for _ in range(3):
            _train_step(model, opt, scaler, params, data, cfg, dev, sa_gen, amp)
        sync()
        if dev.type == "cuda":
            torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = _train_step(model, opt, scaler, params, data, cfg, dev, sa_gen, amp)
        sync()
        dt = time.perf_counter() - t0
        value = {"precision": "amp fp16" if amp else "fp32 (tf32 off)", "batch": batch, "caption_tokens": caption_tokens,
                 "steps_per_s": round(steps / dt, 3), "clips_per_s": round(steps * batch / dt, 2),
                 "params_M": round(sum(p.numel() for p in params) / 1e6, 1), "loss": round(loss, 4), "device": device}
        if dev.type == "cuda":
            value["peak_mem_GiB"] = round(torch.cuda.max_memory_allocated() / 2 ** 30, 1)
            value["gpu"] = torch.cuda.get_device_name()
        report("train_step stage 2 (fit's loss: SpecAugment, AST + projection + BART, CE + KL)", value)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ast", help="local ASTModel / ASTForAudioClassification folder (default: random init)")
    ap.add_argument("--bart", help="local BartForConditionalGeneration / BartModel folder (default: random init)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batch", type=int, default=Config().train.batch_size)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--caption-tokens", type=int, default=32)
    ap.add_argument("--skip-hf", action="store_true", help="no parity checks (no transformers needed)")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--tiny", action="store_true", help="speed of the test-sized model (a smoke run on CPU)")
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False  # parity and "fp32" mean fp32
    torch.backends.cudnn.allow_tf32 = False
    report("versions", {"torch": torch.__version__, "transformers": _transformers_version(), "device": args.device})
    if not args.skip_hf:
        ast_parity(args.ast, args.device)
        bart_parity(args.bart, args.device)
    if not args.skip_speed:
        cfg = Config()
        if args.tiny:
            sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
            from helpers import tiny_config
            cfg = tiny_config()
        speed(cfg, args.device, args.batch, args.steps, args.caption_tokens)
    return 0


def _transformers_version() -> str | None:
    try:
        import transformers
        return transformers.__version__
    except ImportError:
        return None


if __name__ == "__main__":
    sys.exit(main())
