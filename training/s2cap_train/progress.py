"""Progress of a run as JSON lines on stdout (one object per line, `event` names its kind), which
the studio's train job reads: start, epoch, eval, checkpoint, done, error. See README.md."""
