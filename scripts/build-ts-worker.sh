#!/usr/bin/env sh
# Rebuilds src/iacfix/backends/ts_worker.js (with its .LICENSE.txt, hclwrite.wasm.gz and the start
# script ts_worker_start.js) from ts-worker/, installing exactly the versions of the committed
# package-lock.json. Only needed after changing ts-worker/; the built files are committed, so
# users of iacfix never run npm.
set -eu
cd "$(dirname "$0")/../ts-worker"
npm ci --no-audit --no-fund
node build.mjs
