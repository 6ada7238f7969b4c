#!/usr/bin/env bash
# Installs every Debian package that pando's build, tools and tests need.
# Idempotent: returns at once when everything is already there.
# Usage: tools/install-deps.sh   (as root, or with sudo available)
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git ca-certificates curl
  clang libclang-rt-14-dev clang-format
  # libraries
  libcaf-dev libpaho-mqtt-dev librocksdb-dev libcpp-httplib-dev
  libyaml-cpp-dev doctest-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libssl-dev
  # test peers and test tooling
  python3 python3-paho-mqtt python3-prometheus-client mosquitto
  mosquitto-clients openssl procps iproute2
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (missing: ${missing[*]})" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The mosquitto package may start a broker on 1883 through systemd where
# systemd runs; pando's tests start their own brokers on other ports.
echo "install-deps: done"
