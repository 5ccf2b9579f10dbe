#!/usr/bin/env bash
# Makes TorchSharp 0.107's native wrapper load on systems whose libstdc++ lacks GLIBCXX_3.4.32
# (Debian 12). Applied by Directory.Build.targets to a build output folder, never to the NuGet
# cache. Idempotent; does nothing where the system libstdc++ is new enough.
#
# Usage: apply.sh OUTPUT_DIR
set -euo pipefail
out=${1:?usage: apply.sh OUTPUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shim_name=libtorchsharp_compat.so

libstdcxx=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if [ -n "$libstdcxx" ] && grep -qa 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  exit 0   # the system library already defines the version: nothing to do
fi

mapfile -t wrappers < <(find "$out" -name libLibTorchSharp.so -type f 2>/dev/null)
[ ${#wrappers[@]} -eq 0 ] && exit 0

for tool in patchelf g++ python3; do
  command -v "$tool" >/dev/null || { echo "torchsharp-compat: '$tool' is missing; run: apt-get install -y patchelf g++ python3" >&2; exit 1; }
done

for wrapper in "${wrappers[@]}"; do
  dir=$(dirname "$wrapper")
  if [ ! -f "$dir/$shim_name" ] || [ "$here/ios_base_library_init.cpp" -nt "$dir/$shim_name" ]; then
    g++ -O2 -shared -fPIC -o "$dir/$shim_name.tmp" "$here/ios_base_library_init.cpp"
    mv -f "$dir/$shim_name.tmp" "$dir/$shim_name"
  fi
  if patchelf --print-needed "$wrapper" | grep -qx "$shim_name"; then
    continue   # already patched
  fi
  # Work on a private copy, then replace: the output file may be a hard link into the NuGet cache.
  tmp="$wrapper.compat.tmp"
  cp "$wrapper" "$tmp"
  python3 "$here/weaken_verneed.py" "$tmp" GLIBCXX_3.4.32
  patchelf --add-needed "$shim_name" "$tmp"
  rpath=$(patchelf --print-rpath "$tmp")
  case ":$rpath:" in *':$ORIGIN:'*) ;; *) patchelf --set-rpath "\$ORIGIN${rpath:+:$rpath}" "$tmp" ;; esac
  mv -f "$tmp" "$wrapper"
  echo "torchsharp-compat: patched $wrapper"
done
