#!/bin/bash
# Reads the app's secrets from SSM Parameter Store with the instance role and writes them for the
# app, in the format the profile declares. Values never reach user data, argv, this script's
# output or a log: only names and counts are printed.
set -euo pipefail

deploy_json=${BRANCH_ENVS_DEPLOY_JSON:-/etc/branch-envs/deploy.json}
format_json=${BRANCH_ENVS_SECRETS_FORMAT_JSON:-/etc/branch-envs/secrets-format.json}
format=$(jq -r '.format' "$format_json")
dest=$(jq -r '.path' "$format_json")
owner=$(jq -r '.owner // "root"' "$format_json")
if ! [[ $format == env || $format == json ]] || [[ $dest != /* ]]; then
  echo "secrets-format.json: format must be env or json, and path absolute" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
chmod 0700 "$work"
region=$(cloud-init query v1.region 2>/dev/null || true)

# fetch <path> <out>: the parameters directly under <path>, as {"<NAME>": "<value>"}. The CLI
# follows NextToken itself. Its errors name the path and the failure, never a value.
fetch() {
  aws ssm get-parameters-by-path ${region:+--region "$region"} --path "$1" --no-recursive \
    --with-decryption --output json >"$work/page.json"
  jq --arg prefix "$1/" '[.Parameters[] | {key: (.Name | ltrimstr($prefix)), value: .Value}]
    | from_entries' "$work/page.json" >"$2"
}

app_path=$(jq -r '.secrets.path' "$deploy_json")
branch_path=$(jq -r '.secrets.branchPath // empty' "$deploy_json")
fetch "$app_path" "$work/app.json"
if [[ -n $branch_path ]]; then
  fetch "$branch_path" "$work/branch.json"
else
  echo '{}' >"$work/branch.json"
  echo "no branch override lookup: $(jq -r '.secrets.branchSkipped // "not configured"' "$deploy_json")"
fi

# The branch's value wins. Names that cannot be an environment variable, or that the platform or
# the profile's settings already use, are left out and named; so are values holding NUL.
jq -s --arg format "$format" --slurpfile deploy "$deploy_json" '
  ($deploy[0].env // {} | keys) as $settings
  | (.[0] + .[1]) | to_entries
  | map(. + {problem: (
      if (.value | test("\u0000")) then "its value holds NUL"
      elif $format == "json" then null
      elif (.key | test("^[A-Za-z_][A-Za-z0-9_]*$") | not) then "not an environment variable name"
      elif (.key | startswith("BRANCH_ENVS_")) or .key == "PORT" then "reserved by branch-envs"
      elif (.key | IN($settings[])) then "already an app setting"
      else null end)})' "$work/app.json" "$work/branch.json" >"$work/checked.json"
jq -r '.[] | select(.problem != null) | "secret \(.key | @json) skipped: \(.problem)"' "$work/checked.json"

# env: systemd's EnvironmentFile syntax, each value double-quoted with \, ", ` and $ escaped,
# which systemd reads back exactly as a POSIX shell reads a double-quoted string.
(
  umask 077
  if [[ $format == env ]]; then
    jq -r '.[] | select(.problem == null)
      | "\(.key)=\"\(.value | gsub("(?<c>[\\\\\"`$])"; "\\\(.c)"))\""' "$work/checked.json" >"$work/out"
  else
    jq 'map(select(.problem == null) | {key, value}) | from_entries' "$work/checked.json" >"$work/out"
  fi
)
install -d -m 0755 -- "$(dirname -- "$dest")"
install -m 0600 -o "$owner" -g "$owner" -- "$work/out" "$dest"
# Values of 6+ characters, root's only: the logs document redacts them (ADR 0030).
jq '[.[].value | select(length >= 6)]' "$work/checked.json" >"$work/redact.json"
install -m 0600 -- "$work/redact.json" "${BRANCH_ENVS_REDACT_VALUES:-/etc/branch-envs/redact-values.json}"
echo "app secrets: $(jq '[.[] | select(.problem == null)] | length' "$work/checked.json") written to $dest ($format)"
