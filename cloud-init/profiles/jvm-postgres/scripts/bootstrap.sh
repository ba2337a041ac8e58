#!/bin/bash
# Boots one branch environment; cloud-init runs it once, from runcmd. Every value comes from
# deploy.json (read with jq), never from arguments or text spliced into this script.
set -Eeuo pipefail

export BRANCH_ENVS_DEPLOY_JSON=/etc/branch-envs/deploy.json
export BRANCH_ENVS_APP_DIR=/opt/branch-envs/app
readonly lib=/usr/local/libexec/branch-envs
# nginx serves this file at /.branch-envs/status: a failed boot explains itself over HTTP.
readonly status_file=/var/lib/branch-envs/status.json
step=boot

# report <status>: publish the status, and phone home once the boot has ended either way. The
# token goes to curl on stdin (`--header @-`), so it never shows in a process list.
report() {
  local url body instance
  install -d -m 0755 "${status_file%/*}"
  jq -cn --arg status "$1" --arg step "$step" '{status: $status, step: $step}' >"$status_file.tmp"
  mv -f "$status_file.tmp" "$status_file"
  echo "branch-envs: $1 (step $step)"
  url=$(jq -r '.phoneHomeUrl // empty' "$BRANCH_ENVS_DEPLOY_JSON")
  [[ -n $url && $1 != booting ]] || return 0
  instance=$(cloud-init query v1.instance_id || true)
  body=$(jq -c --arg status "$1" --arg step "$step" --arg instance "$instance" \
    '{deployId: .deployId, status: $status, step: $step} + (if $instance == "" then {} else {instanceId: $instance} end)' \
    "$BRANCH_ENVS_DEPLOY_JSON")
  jq -r '"Authorization: Bearer " + .phoneHomeToken' "$BRANCH_ENVS_DEPLOY_JSON" |
    curl --silent --show-error --fail --max-time 10 --retry 5 --retry-all-errors --header @- \
      --header 'Content-Type: application/json' --data-binary "$body" --url "$url" >/dev/null ||
    echo "branch-envs: phone-home failed" >&2
}

on_error() {
  trap - ERR
  report failed || true
  journalctl --unit=branch-env-app.service --no-pager --lines=40 || true
  exit 1
}
trap on_error ERR

run_hook() {
  if [[ -x $lib/hooks/$1 ]]; then "$lib/hooks/$1"; else echo "branch-envs: no $1 hook"; fi
}

run_step() {
  step=$1
  shift
  echo "branch-envs: step $step"
  "$@"
}

report booting
run_step fetch-artifacts "$lib/fetch-artifacts.sh"
run_step fetch-secrets "$lib/fetch-secrets.sh"
run_step rewrite-config run_hook rewrite-config
run_step restore-db "$lib/restore-db.sh"
run_step post-restore run_hook post-restore
run_step start-app "$lib/start-app.sh"
step=complete
report ready
