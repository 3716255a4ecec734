#!/usr/bin/env bash
# Prepares a run of the inference benchmark on a lent GPU machine (see ../shared/device): the
# offline runtime (.device/, by the shared prepare-gpu-bundle.sh) and the benchmark bundled into
# one file with onnxruntime-node left external (.device-bundle/). On the GPU machine, from the
# project root:
#   source .device/env.sh
#   python3 .device-bundle/make-bench-models.py /tmp/bench-packs     # its python has torch + onnx
#   BENCH_PACKS=/tmp/bench-packs BENCH_EPS=cpu,webgpu node .device-bundle/inference.mjs
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
prep=../shared/device/prepare-gpu-bundle.sh
[ -x "$prep" ] && "$prep" || echo "note: $prep not found; .device/ not prepared"
mkdir -p .device-bundle
node_modules/.bin/esbuild bench/inference.ts --bundle --platform=node --format=esm --target=node20 \
  --external:onnxruntime-node --external:@audio/decode-ape --outfile=.device-bundle/inference.mjs \
  --banner:js="import { createRequire as __s2capRequire } from 'module'; const require = __s2capRequire(import.meta.url);" --log-level=warning
cp -r scripts/make-bench-models.py scripts/onnx_int8.py scripts/fixture_packs .device-bundle/
du -sh .device-bundle
