#!/usr/bin/env bash
# Installs what is missing (Debian packages, the mail user, npm deps) and builds.
# Run by `npm start` and `npm test`; safe to run again (it only does what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-managesieved
  dovecot-sieve dovecot-ldap spamassassin spamd spamc openssl ldap-utils swaks
  python3-srs python3-dkim unbound dns-root-data
)

say() { echo "setup: $*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then say "Node >= 20 is required (found $(node --version))"; exit 1; fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then say "missing Debian packages (install them as root): ${missing[*]}"; exit 1; fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # --no-install-recommends keeps Debian's nodejs (and anything else unasked-for) out.
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# Dovecot will not store mail as root: a root install keeps maildirs as 'vmail'.
if [ "$(id -u)" -eq 0 ] && ! id vmail >/dev/null 2>&1; then
  say "creating the vmail system account"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vmail
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

say "building"
npm run --silent build

# `mailctl` on the PATH for root installs (also `npx mailctl` from the checkout).
if [ "$(id -u)" -eq 0 ] && [ -d /usr/local/bin ]; then
  target="$(pwd)/orchestrator/bin/mailctl.js"
  current="$(readlink /usr/local/bin/mailctl 2>/dev/null || true)"
  if [ ! -e /usr/local/bin/mailctl ] || [ -n "$current" ]; then
    [ "$current" = "$target" ] || ln -sfn "$target" /usr/local/bin/mailctl
  fi
fi
