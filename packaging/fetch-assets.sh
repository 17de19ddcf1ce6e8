#!/usr/bin/env bash
# Downloads the emoji world's pinned npm packages (`npm pack`) into the asset cache and checks
# each tarball's SHA-256 against resources/world/assets.lock.json. Idempotent: a cached tarball
# whose checksum matches is not downloaded again. Afterwards `psr assets import` works offline.
#   PSR_ASSET_CACHE  overrides the cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/psr-studio/npm)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lock="$here/resources/world/assets.lock.json"
cache="${PSR_ASSET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/psr-studio/npm}"
mkdir -p "$cache"

command -v node >/dev/null 2>&1 || { echo "fetch-assets: node/npm missing; run ./packaging/install-deps.sh" >&2; exit 1; }

# One "package version file sha256" line per pinned package (node parses the JSON; npm needs it anyway).
mapfile -t pinned < <(node -e '
  const lock = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const p of lock.packages) console.log([p.package, p.version, p.file, p.sha256].join(" "));
' "$lock")

status=0
for line in "${pinned[@]}"; do
  read -r name version file sha <<<"$line"
  target="$cache/$file"
  if [ -f "$target" ] && [ "$(sha256sum "$target" | cut -d' ' -f1)" = "$sha" ]; then
    echo "fetch-assets: $file cached"
    continue
  fi
  echo "fetch-assets: npm pack $name@$version"
  tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
  if ! (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null); then
    echo "fetch-assets: npm pack $name@$version failed (network or registry); try again later" >&2
    rm -rf "$tmp"; status=1; continue
  fi
  got="$(sha256sum "$tmp/$file" | cut -d' ' -f1)"
  if [ "$got" != "$sha" ]; then
    echo "fetch-assets: $file has SHA-256 $got, expected $sha; not installed" >&2
    rm -rf "$tmp"; status=1; continue
  fi
  mv -f "$tmp/$file" "$target"
  rm -rf "$tmp"
  echo "fetch-assets: $file verified"
done
exit "$status"
