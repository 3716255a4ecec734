"""Progress of a run as JSON lines on stdout (one object per line, `event` names its kind), which
the studio's train job reads: start, step, epoch, eval, checkpoint, done, error. Human-readable
log lines go to stderr, so stdout stays machine-readable. See README.md.

Events (every number a JSON number; a non-finite value, e.g. a diverged loss, becomes null, since
JSON has no NaN):
  start       {run_dir, stages: [{name, epochs, lr, train}], epochs, steps_per_epoch, device, resumed_from}
  step        {stage, epoch, step, loss, parts: {ce, crescendo, kl}}   every `every` optimizer steps
  epoch       {stage, epoch, loss}                                     mean training loss of the epoch
  eval        {stage, epoch, metrics: {bleu_4, rouge_l, cider_d, …}, best}
  checkpoint  {path}
  done        {best, metrics, run_dir, complete}
  error       {message}
`stage` is 1 or 2, `epoch` counts from 1 within its stage, `step` is the run's optimizer step."""
from __future__ import annotations

import json
import math
import sys
from typing import Any, TextIO


def json_safe(value: Any) -> Any:
    """JSON-safe copy: non-finite floats → None, tuples → lists, tensors/numpy scalars → floats.
    Also what checkpoints.save_json writes (run.json records a diverged loss as null too)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, (int, str)):  # bool is an int
        return value
    if hasattr(value, "item"):  # torch / numpy scalar
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


class Progress:
    """Writes events to `out` (stdout) and log lines to `log` (stderr); both flushed per line so a
    reader sees them as they happen."""

    def __init__(self, out: TextIO | None = None, log: TextIO | None = None, every: int = 10):
        self.out = out if out is not None else sys.stdout
        self.log_stream = log if log is not None else sys.stderr
        self.every = max(1, int(every))

    def emit(self, event: str, **fields: Any) -> dict:
        record = {"event": event, **json_safe(fields)}
        self.out.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
        self.out.flush()
        return record

    def log(self, message: str) -> None:
        self.log_stream.write(f"s2cap_train: {message}\n")
        self.log_stream.flush()

    def start(self, run_dir: str, stages: list[dict], epochs: int, steps_per_epoch: int, device: str,
              resumed_from: dict | None = None) -> None:
        self.emit("start", run_dir=run_dir, stages=stages, epochs=epochs, steps_per_epoch=steps_per_epoch,
                  device=device, resumed_from=resumed_from)
        where = f", resumed after stage {resumed_from['stage']} epoch {resumed_from['epoch']}" if resumed_from else ""
        self.log(f"training in {run_dir} on {device}: {epochs} epochs of {steps_per_epoch} steps{where}")

    def step(self, stage: int, epoch: int, step: int, loss: float, parts: dict[str, float | None]) -> None:
        """Emits every `every`-th step (step counts from 1)."""
        if step % self.every == 0:
            self.emit("step", stage=stage, epoch=epoch, step=step, loss=loss, parts=parts)

    def epoch(self, stage: int, epoch: int, loss: float) -> None:
        self.emit("epoch", stage=stage, epoch=epoch, loss=loss)
        self.log(f"stage {stage} epoch {epoch}: training loss {loss:.4f}")

    def eval(self, stage: int, epoch: int, metrics: dict[str, float], best: bool) -> None:
        self.emit("eval", stage=stage, epoch=epoch, metrics=metrics, best=best)
        shown = ", ".join(f"{k} {metrics[k]:.4f}" for k in ("bleu_4", "rouge_l", "cider_d") if k in metrics)
        self.log(f"stage {stage} epoch {epoch}: validation {shown}{' (best so far)' if best else ''}")

    def checkpoint(self, path: str) -> None:
        self.emit("checkpoint", path=path)

    def done(self, best: dict | None, metrics: dict | None, run_dir: str, complete: bool = True) -> None:
        self.emit("done", best=best, metrics=metrics, run_dir=run_dir, complete=complete)
        self.log(f"{'done' if complete else 'stopped (max_steps)'}: {run_dir}")

    def error(self, message: str) -> None:
        self.emit("error", message=message)
