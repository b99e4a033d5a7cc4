#!/usr/bin/env bash
# Installs ONNX Runtime's prebuilt CPU runtime (the npm package
# onnxruntime-node, version pinned with every dependency's hash in
# package-lock.json beside this script) into DEST, a folder of the build tree.
#
#   install.sh DEST
#
# Idempotent and offline once installed: when DEST already holds this lock
# file's packages it does nothing. Without its install script (which would
# only fetch CUDA/TensorRT providers): ONNXRUNTIME_NODE_INSTALL=skip and
# --ignore-scripts; the CPU binary (bin/napi-v6/linux/x64) is in the package.
# npm's cache goes into DEST too (CI runs without $HOME); a reinstall after
# a lock change prefers it. Other platforms' binaries are removed.
# Without `node` it prints why and exits 0 (the oracle tests then report
# UNSUPPORTED); with node but without npm, or when npm or loading the runtime
# fails, it exits 1. scripts/install-deps.sh installs both.
set -euo pipefail

dest=$1
src=$(cd "$(dirname "$0")" && pwd)
stamp="$dest/installed.stamp"

if ! command -v node >/dev/null 2>&1; then
  echo "install.sh: node is not installed: the ONNX Runtime oracle tests will be skipped" \
       "(scripts/install-deps.sh installs nodejs and npm)" >&2
  exit 0
fi
if [ -f "$stamp" ] && cmp -s "$src/package-lock.json" "$dest/package-lock.json" \
   && [ -f "$dest/node_modules/onnxruntime-node/package.json" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install.sh: node is installed but npm is not: install Debian's npm" \
       "(scripts/install-deps.sh does)" >&2
  exit 1
fi

mkdir -p "$dest"
rm -f "$stamp"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
export npm_config_cache="$dest/npm-cache"
export npm_config_update_notifier=false
export ONNXRUNTIME_NODE_INSTALL=skip
echo "install.sh: npm ci onnxruntime-node into $dest" >&2
if ! (cd "$dest" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund >&2); then
  echo "install.sh: npm ci failed (no network, and not in npm's cache?)" >&2
  exit 1
fi
# The package carries every platform's binaries (~300 MB); keep this one's.
bin="$dest/node_modules/onnxruntime-node/bin/napi-v6"
here="$(node -p 'process.platform')/$(node -p 'process.arch')"
for d in "$bin"/*/*; do
  case "$d" in "$bin/$here") ;; *) rm -rf "$d" ;; esac
done
# The prebuilt binary must load here (glibc, N-API version of this node).
if ! (cd "$dest" && node -e "require('onnxruntime-node')" >&2); then
  echo "install.sh: onnxruntime-node does not load with $(node --version)" >&2
  exit 1
fi
touch "$stamp"
