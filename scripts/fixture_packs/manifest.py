"""write_manifest: a fixture (or benchmark) pack's model.json — `format` 1, the given fields, and
`files` with the sha256 of every other file in the folder, as the studio's pack loader checks."""
import json
import os

from s2cap_train.data import sha256_file


def write_manifest(folder, manifest):
    files = {}
    for name in sorted(os.listdir(folder)):
        if name == "model.json":
            continue
        files[name] = {"sha256": sha256_file(os.path.join(folder, name))}
    manifest = {"format": 1, **manifest, "files": files}
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(manifest, f, indent=1)
