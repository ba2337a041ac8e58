#!/bin/bash
# Sets PostgreSQL up for throwaway branch databases: listening on loopback only, tuned for speed
# over durability (a crash loses only a copy of a test dump), and started at boot. Idempotent:
# initdb runs once and every managed file is rewritten whole.
set -euo pipefail

data=/var/lib/pgsql/data
if [[ ! -f $data/PG_VERSION ]]; then
  postgresql-setup --initdb
fi

cat >"$data/branch-envs.conf" <<'CONF'
# Managed by branch-envs (ami/scripts/configure-postgres.sh).
listen_addresses = 'localhost'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
grep -qxF "include_if_exists = 'branch-envs.conf'" "$data/postgresql.conf" ||
  echo "include_if_exists = 'branch-envs.conf'" >>"$data/postgresql.conf"

# The app connects over loopback without a password; the superuser only through peer auth.
cat >"$data/pg_hba.conf" <<'HBA'
# Managed by branch-envs (ami/scripts/configure-postgres.sh).
# TYPE  DATABASE  USER      ADDRESS       METHOD
local   all       postgres                peer
host    all       postgres  127.0.0.1/32  reject
host    all       postgres  ::1/128       reject
local   all       all                     trust
host    all       all       127.0.0.1/32  trust
host    all       all       ::1/128       trust
HBA
chown postgres:postgres "$data/branch-envs.conf" "$data/pg_hba.conf"
chmod 0600 "$data/branch-envs.conf" "$data/pg_hba.conf"

systemctl enable postgresql.service
systemctl restart postgresql.service

if [[ -n ${POSTGIS_PACKAGES:-} ]]; then
  available=$(runuser -u postgres -- psql --no-psqlrc -tAc \
    "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")
  if [[ $available != 1 ]]; then
    echo "PostGIS packages were installed but the postgis extension is not available" >&2
    exit 1
  fi
fi
