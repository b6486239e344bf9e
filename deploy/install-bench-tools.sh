#!/usr/bin/env bash
# Installs what the peer benchmark (modules/lockstep-bench/run.sh peers) needs beyond Java and Maven: PyTorch for
# CPU from Debian (python3-torch, 1.13.1 in bookworm), for Debian's own /usr/bin/python3.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

python=/usr/bin/python3
if [ -x "$python" ] && "$python" -c 'import torch' >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo "$0" "$@"
  fi
  echo "install-bench-tools: PyTorch is missing; run as root: apt-get update && apt-get install -y python3-torch" >&2
  exit 2
fi
echo "install-bench-tools: installing python3-torch (Debian package) ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q python3-torch >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q python3-torch >/dev/null; }
"$python" -c 'import torch' >/dev/null
