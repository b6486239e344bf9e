#!/usr/bin/env bash
# Installs what the test suite needs beyond Java and Maven: Debian's Chromium, for rendering the training report.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo "$0" "$@"
  fi
  echo "install-test-tools: chromium is missing; run as root: apt-get update && apt-get install -y chromium" >&2
  exit 2
fi
echo "install-test-tools: installing chromium (Debian package) ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
command -v chromium >/dev/null
