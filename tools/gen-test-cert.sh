#!/usr/bin/env bash
# Writes a self-signed TLS certificate for localhost (cert.pem, with
# subjectAltName DNS:localhost and IP:127.0.0.1) and its P-256 key (key.pem)
# into DIR, for system tests and local runs. Idempotent: keeps an existing
# pair if the key matches and the certificate is valid for another day.
# Prints nothing unless it fails.
# Usage: tools/gen-test-cert.sh DIR
set -euo pipefail
dir=${1:?usage: tools/gen-test-cert.sh DIR}
cert=$dir/cert.pem
key=$dir/key.pem

# Returns success if cert.pem and key.pem exist, match and stay valid.
usable() {
  [ -s "$cert" ] && [ -s "$key" ] || return 1
  openssl x509 -in "$cert" -noout -checkend 86400 >/dev/null 2>&1 || return 1
  local from_cert from_key
  from_cert=$(openssl x509 -in "$cert" -noout -pubkey 2>/dev/null) || return 1
  from_key=$(openssl pkey -in "$key" -pubout 2>/dev/null) || return 1
  [ "$from_cert" = "$from_key" ]
}

usable && exit 0
mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.gen-test-cert.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! log=$(openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
  -nodes -sha256 -days 365 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>&1); then
  echo "gen-test-cert: openssl failed:" >&2
  echo "$log" >&2
  exit 1
fi
chmod 600 "$tmp/key.pem"
chmod 644 "$tmp/cert.pem"
# Renames within one directory are atomic: readers never see half a file.
mv "$tmp/key.pem" "$key"
mv "$tmp/cert.pem" "$cert"
