#!/usr/bin/env bash
# Installs what seekreel needs on a fresh Debian machine, and nothing that is already there:
# the headless Chromium shell (and full Chromium for the fallback path and the editor test),
# the bundled font families, redis-server and postgresql (the render farm's tests start their
# own), and a project virtualenv in .venv with the pinned packages.
# Idempotent: a second run with nothing missing does no network work.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium-headless-shell chromium fonts-inter fonts-noto-core fonts-noto-mono
              fonts-noto-color-emoji fonts-jetbrains-mono util-linux redis-server
              postgresql)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
stamp=.venv/.seekreel-installed
want="$(cat pyproject.toml requirements.lock 2>/dev/null | sha256sum | cut -c1-16)"
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: preparing .venv"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
fi

# The project's own bytecode, compiled ahead (an editable install leaves it to the first import,
# and with PYTHONDONTWRITEBYTECODE set every run compiles it again: 20-40 ms of each command's
# start). Up-to-date files are skipped, and a stale .pyc is ignored by Python, never run.
.venv/bin/python -m compileall -q sandbox service scripts >/dev/null
