#!/usr/bin/env bash
# The browser test of examples/express-upload drives Debian's chromium (no browser download at test
# time). Part of `pnpm test`, so a fresh machine with only Node and npm gets it too: installed with
# apt-get when missing and this user can (root, or sudo without a password). Otherwise it says so,
# and the browser test fails with the same advice.
set -u
[ -x /usr/bin/chromium ] && exit 0
command -v apt-get >/dev/null 2>&1 || { echo "ensure-chromium: /usr/bin/chromium is missing and there is no apt-get; install Chromium by hand" >&2; exit 0; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "ensure-chromium: /usr/bin/chromium is missing; run: sudo apt-get install -y chromium" >&2; exit 0
  fi
fi
echo "ensure-chromium: installing Debian's chromium for the browser test ..." >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
  echo "ensure-chromium: apt-get could not install chromium" >&2
exit 0
