#!/usr/bin/env bash
# Install the real proxies the verification tests start (Debian packages), when missing
# and when we can (root with apt). Services are not started by the install: the tests
# start their own instances on loopback.
set -euo pipefail
need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
# nginx `stream {}` samples (TCP relays, TLS passthrough) load the stream module
[ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || need+=(libnginx-mod-stream)
[ -x /usr/sbin/apache2 ] || need+=(apache2)
[ -x /usr/sbin/haproxy ] || need+=(haproxy)
# the verification tests make their certificates with the openssl command line tool
command -v openssl >/dev/null || need+=(openssl)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-proxies: missing ${need[*]}; not root with apt, tests that need them will skip" >&2
  exit 0
fi
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
[ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
exit 0
