#!/usr/bin/env bash
# `make bench`: installs wrk from Debian's packages if it is missing (as root), then runs the
# harness with the project's virtualenv. Arguments go to bench/harness.py (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "wrk is missing. Install it with: sudo apt-get install wrk" >&2
    exit 1
  fi
  echo "Installing wrk"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2
  exit 1
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis does not answer on 127.0.0.1:6379" >&2
  exit 1
fi

# The benchmark's server routes the baseline endpoint every scenario is measured against.
export DVC_BENCH_BASELINE=true
exec .venv/bin/python bench/harness.py "$@"
