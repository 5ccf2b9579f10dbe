#!/usr/bin/env bash
# Installs what the product needs on a Debian/Ubuntu machine that has the .NET SDK.
# Idempotent: does nothing (and needs no root) when everything is present.
# Sourced by ./robot and ./run-tests; prints to stderr only, so stdout stays the product's.
set -euo pipefail

ROBOT_APT_PACKAGES=(libmujoco2.2.2 libmujoco-dev libmujoco-samples socat patchelf g++ python3)

robot_ensure_prereqs() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "robot: the .NET 10 SDK is required (dotnet not found on PATH)." >&2
    echo "       install it from your distribution or https://dot.net, then run this again." >&2
    return 3
  fi
  local missing=() p
  for p in "${ROBOT_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "robot: missing system packages: ${missing[*]}" >&2
    echo "       install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    return 3
  fi
  echo "robot: installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
