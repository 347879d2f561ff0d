#!/usr/bin/env bash
# Installs every Debian package mcuprof needs to build, test and run its demo.
# Idempotent: packages already present are left alone; safe to run repeatedly.
set -euo pipefail

PACKAGES=(
  # host build
  build-essential cmake ninja-build pkg-config git
  # emulator and decoder
  libunicorn-dev libcapstone-dev
  # ELF reading
  libelf-dev
  # trace store
  libsqlite3-dev libsqlitecpp-dev sqlite3
  # small helpers
  libcli11-dev nlohmann-json3-dev zlib1g-dev libtomlplusplus-dev libfmt-dev libflatbuffers-dev flatbuffers-compiler nettle-dev
  # tests
  googletest libgtest-dev libgmock-dev libexpat1-dev
  # GUI and plot rendering
  qt6-base-dev qt6-svg-dev libgl-dev
  # Cortex-M cross toolchain
  gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
  # sweeps on a cluster: Slurm (the sweep's Slurm test brings up a single-node cluster)
  slurm-wlm munge
  # C++ firmware and a second C library for the test programs in tests/firmware/libc
  libstdc++-arm-none-eabi-newlib picolibc-arm-none-eabi
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
