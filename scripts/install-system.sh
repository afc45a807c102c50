#!/usr/bin/env bash
# Installs the Debian packages vkyc needs (idempotent) and, with --test, what the test suite needs
# too, and starts PostgreSQL and Redis when they are not running. Run as root (or with sudo).
set -euo pipefail

# espeak-ng at run time: its letter-to-sound rules pronounce names missing from pocketsphinx's dictionary.
runtime_pkgs=(ffmpeg pocketsphinx pocketsphinx-en-us espeak-ng fonts-dejavu-core)
# libheif-examples: heif-enc makes the HEIC test images (test/helpers/image-formats.ts).
# fonts-ocr-b: the OCR-B font the synthetic MRZ specimens (bench/mrz-synth.ts, unit tests) are printed in.
test_pkgs=(chromium flite sox cmake g++ make libheif-examples fonts-ocr-b)
pkgs=("${runtime_pkgs[@]}")
[ "${1:-}" = "--test" ] && pkgs+=("${test_pkgs[@]}")

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--test" ]; then
  # The PostgreSQL contract suites need the real server on 127.0.0.1:5432 (database "test").
  if ! command -v pg_isready >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  fi
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    ver=$(ls /etc/postgresql | sort -V | tail -1)
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  if ! psql "${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}" -qtc 'select 1' >/dev/null 2>&1; then
    # A stock Debian cluster: allow local trust auth for the test database and create it.
    ver=$(ls /etc/postgresql | sort -V | tail -1)
    hba=/etc/postgresql/$ver/main/pg_hba.conf
    grep -q 'vkyc-test' "$hba" || $SUDO sed -i '1i host all all 127.0.0.1/32 trust # vkyc-test' "$hba"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main reload || true
    $SUDO su postgres -c "psql -qtc \"select 1 from pg_database where datname='test'\" | grep -q 1 || createdb test" || true
  fi
  # The shared rate-limit tests need the real Redis on 127.0.0.1:6379 (nothing kept on disk).
  if ! command -v redis-server >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    $SUDO mkdir -p /var/lib/redis /var/log/redis
    $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/vkyc-test.log
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
fi
