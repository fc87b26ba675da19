#!/usr/bin/env bash
# Runs a command in a private D-Bus session with an unlocked gnome-keyring (Secret Service) in a
# scratch HOME, so keyring tests never touch the developer's own keyring.
# Usage: with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch" XDG_DATA_HOME="$scratch/share" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- bash -c '
  echo -n liveactor-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  export LIVEACTOR_TEST_KEYRING=1
  exec "$@"' with-keyring "$@"
