#!/bin/bash
# post-restore hook of the "ote" example: the seed's add-gisdata-into-db.sh. Loads the optional
# "municipalities" CSV artifact into the restored database, replacing what the dump held.
set -euo pipefail

deploy_json=${BRANCH_ENVS_DEPLOY_JSON:-/etc/branch-envs/deploy.json}
csv=$(jq -r '.artifacts[] | select(.name == "municipalities") | .dest' "$deploy_json")
db_name=$(jq -r '.db.name' "$deploy_json")
if [[ -z $csv ]]; then
  echo "post-restore: no municipalities artifact"
  exit 0
fi
# pstdin is psql's own standard input: the CSV, redirected as root, so postgres needs no access
# to the file.
runuser -u postgres -- psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --single-transaction \
  --dbname="$db_name" \
  -c 'TRUNCATE finnish_municipalities' \
  -c '\copy finnish_municipalities FROM pstdin WITH (FORMAT csv, HEADER true)' <"$csv"
echo "post-restore: municipalities loaded"
