#!/usr/bin/env bash
# Runs a command with a Secret Service to talk to, the way a Linux desktop
# has one: a private D-Bus session with an unlocked gnome-keyring. CI and
# headless machines run the tests through this.
#
#   scripts/with-keyring.sh npm test
set -euo pipefail
if [[ ${1:-} != --inside ]]; then
  exec dbus-run-session -- "$0" --inside "$@"
fi
shift
# A throwaway data folder keeps this keyring away from any real one; the
# password only has to be non-empty for the login keyring to be created.
keyrings=$(mktemp -d)
trap 'rm -rf "$keyrings"' EXIT
eval "$(printf 'launch-ready-ci' | XDG_DATA_HOME=$keyrings \
  gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
