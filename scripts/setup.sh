#!/usr/bin/env bash
# Set up what Pathway needs, idempotently: a virtualenv with the pinned packages and, with --dev, what the tests
# need too (Debian's Chromium for browser tests, axe-core from the npm registry). A second run changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1
PYTHON=${PYTHON:-python3}

say() { printf 'setup: %s\n' "$*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  say "Python 3.11 or newer is needed: install it (Debian/Ubuntu: apt-get install python3 python3-venv)."
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  say "Python 3.11 or newer is needed; $("$PYTHON" --version) was found. Set PYTHON=/path/to/python3.11."
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  say "creating the virtualenv in .venv"
  "$PYTHON" -m venv .venv || { say "could not create a virtualenv: install python3-venv (apt-get install python3-venv)"; exit 1; }
fi

req_files=(requirements.txt)
[ "$dev" = 1 ] && req_files+=(requirements-dev.txt)
stamp=".venv/.installed-$(cat "${req_files[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "installing Python packages (${req_files[*]})"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "${req_files[-1]}"
  touch "$stamp"
fi

# The Welsh (and any other) translations are compiled from the checked-in .po files; cheap, so every time.
.venv/bin/pybabel -q compile -d translations

if [ "$dev" = 1 ]; then
  apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing $* with apt-get"
      if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
      fi
    else
      say "the tests need $*; install them as root: apt-get install $*"
      exit 1
    fi
  }
  [ -x /usr/bin/chromium ] || apt_install chromium
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  # The page benchmark's load generator (bench/load.py); without it the bench uses a slower one of its own.
  command -v wrk >/dev/null 2>&1 || (apt_install wrk) || say "wrk is not installed: bench/bench_pages.py will use its own load generator"
  if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing axe-core from the npm registry"
    npm ci --no-audit --no-fund --silent >/dev/null 2>&1 || npm install --no-audit --no-fund --silent >/dev/null
  fi
fi
