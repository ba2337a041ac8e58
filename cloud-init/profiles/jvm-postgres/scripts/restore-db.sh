#!/bin/bash
# Creates the database, its roles and extensions, then restores the branch's dump (gzip'd SQL,
# plain SQL or pg_dump's custom format). Values reach SQL only as psql variables.
set -euo pipefail

deploy_json=${BRANCH_ENVS_DEPLOY_JSON:-/etc/branch-envs/deploy.json}
has_db=$(jq '.db != null' "$deploy_json")
if [[ $has_db != true ]]; then
  echo "no database configured"
  exit 0
fi
name=$(jq -r '.db.name' "$deploy_json")
owner=$(jq -r '.db.owner' "$deploy_json")
dump_artifact=$(jq -r '.db.dumpArtifact' "$deploy_json")
restored=/var/lib/branch-envs/restored-db

as_postgres() { runuser -u postgres -- "$@"; }
sql() { as_postgres psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 "$@"; }

systemctl start postgresql.service
for _ in {1..30}; do
  as_postgres pg_isready --quiet && break
  sleep 1
done

# :'x' and :"x" make psql quote a variable as a literal or as an identifier.
sql -v owner="$owner" -v name="$name" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner')
\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')
\gexec
SQL
jq -r '.db.roles[]' "$deploy_json" | while IFS= read -r role; do
  sql -v role="$role" <<'SQL'
SELECT format('CREATE ROLE %I NOLOGIN', :'role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')
\gexec
SQL
done
jq -r '.db.extensions[]' "$deploy_json" | while IFS= read -r extension; do
  sql --dbname="$name" -v extension="$extension" <<<'CREATE EXTENSION IF NOT EXISTS :"extension" CASCADE;'
done

if [[ -z $dump_artifact || -e $restored ]]; then
  echo "nothing to restore"
  exit 0
fi
dump=$(jq -r --arg name "$dump_artifact" '.artifacts[] | select(.name == $name) | .dest' "$deploy_json")
magic=$(head -c 5 -- "$dump" | od -An -tx1 | tr -d ' \n')
echo "restoring $dump_artifact into $name"
case $magic in
  1f8b*) gzip -dc -- "$dump" | sql --dbname="$name" ;;
  5047444d50) as_postgres pg_restore --no-owner --role="$owner" --exit-on-error --dbname="$name" <"$dump" ;;
  *) sql --dbname="$name" <"$dump" ;;
esac
install -d -m 0755 "${restored%/*}"
touch -- "$restored"
