#!/usr/bin/env bash
# Installs the Debian packages only the benchmarks need (Postfix for smtp-source and the
# Postfix comparison, its LDAP client, OpenLDAP slapd), on the first `npm run bench`.
# `npm test` never needs them, so they stay out of scripts/setup.sh.
# Preseeded so no postinst asks a question or writes a system configuration
# (postfix: "No configuration"; slapd: no_configuration), and no daemon is started:
# if the machine has no policy-rc.d, a temporary one (exit 101) forbids service starts.
set -euo pipefail

PACKAGES=(postfix postfix-ldap slapd)
say() { echo "bench: $*" >&2; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then say "missing Debian packages (install them as root): ${missing[*]}"; exit 1; fi

say "installing Debian packages for the benchmarks: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
debconf-set-selections <<'SEL'
postfix postfix/main_mailer_type select No configuration
postfix postfix/mailname string bench.invalid
slapd slapd/no_configuration boolean true
SEL

temp_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  temp_policy=/usr/sbin/policy-rc.d
  printf '#!/bin/sh\n# temporary, from bench/scripts/install-deps.sh: start no service\nexit 101\n' >"$temp_policy"
  chmod 755 "$temp_policy"
  trap 'rm -f "$temp_policy"' EXIT
fi
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
