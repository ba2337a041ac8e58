#!/bin/bash
# rewrite-config hook of the "ote" example: the seed's modify-config.sh, made to work (the seed's
# sed printed the result and changed nothing). Adapts the branch's config.edn to a throwaway
# instance: drops the one-line :log and :ga (analytics) settings, which point at shared services,
# and points :db at the local database. Keeps config.edn.orig, so running it twice is harmless.
set -euo pipefail

deploy_json=${BRANCH_ENVS_DEPLOY_JSON:-/etc/branch-envs/deploy.json}
config=$(jq -r '.artifacts[] | select(.name == "config") | .dest' "$deploy_json")
db_name=$(jq -r '.db.name // empty' "$deploy_json")
db_user=$(jq -r '.db.owner // empty' "$deploy_json")
if [[ ! -f $config ]]; then
  echo "rewrite-config: no config artifact" >&2
  exit 1
fi
# Both are spliced into a sed script below, so they must be plain SQL names.
if [[ ! $db_name =~ ^[a-z_][a-z0-9_]*$ || ! $db_user =~ ^[a-z_][a-z0-9_]*$ ]]; then
  echo "rewrite-config: db.name and db.owner must be plain SQL names" >&2
  exit 1
fi

[[ -e $config.orig ]] || cp -p -- "$config" "$config.orig"
sed -E \
  -e '/^[[:space:]]*:(log|ga)[[:space:]]/d' \
  -e "s#(:url[[:space:]]+\")jdbc:postgresql://[^\"]*#\\1jdbc:postgresql://localhost:5432/${db_name}#" \
  -e "s#(:username[[:space:]]+\")[^\"]*#\\1${db_user}#" \
  -- "$config.orig" >"$config"
echo "rewrite-config: $config now uses database $db_name as $db_user"
