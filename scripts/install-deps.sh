#!/usr/bin/env bash
# Installs the Debian packages cimlir needs, if any is missing.
# Runs `apt-get update` once, then one `apt-get install`. Needs root or sudo.
# Called by every make target; a no-op (and silent) when all is installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config python3
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libjansson-dev check
  protobuf-c-compiler libprotobuf-c-dev libonnx-dev
  python3-onnx python3-numpy libonnx-testdata
  python3-torch python3-torchvision python3-sklearn
  python3-matplotlib python3-tqdm python3-pytest python3-pil
  parallel
)
# node + npm run ONNX Runtime (the npm package onnxruntime-node), the tests'
# reference executor (docs/testing.md). A node installed another way (e.g.
# NodeSource's nodejs, which bundles npm and conflicts with Debian's npm
# package) is used as it is.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi
# make fuzz: clang with libFuzzer and its sanitizer runtimes.
if [ "${1:-}" = fuzz ]; then
  PACKAGES+=(clang-22 libfuzzer-22-dev libclang-rt-22-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
