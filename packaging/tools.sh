#!/usr/bin/env bash
# The Debian packages that make deb and make rpm need (or those named as arguments), installed when missing (one
# apt at a time: the labs' scripts may be installing too).
set -euo pipefail
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(debhelper dpkg-dev lintian rpm rpmlint appstream-util xz-utils)
missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mkdir -p /run
flock /run/numa-placement-apt.lock sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"' apt "${missing[@]}" >&2
