#!/bin/bash
# Hands the app its settings, points nginx at it, starts it under systemd, and waits until its
# health endpoint answers through nginx: "ready" means what a browser will see.
set -euo pipefail

deploy_json=${BRANCH_ENVS_DEPLOY_JSON:-/etc/branch-envs/deploy.json}
app_dir=${BRANCH_ENVS_APP_DIR:-/opt/branch-envs/app}
timeout=${BRANCH_ENVS_HEALTH_TIMEOUT:-900}
port=$(jq -r '.appPort' "$deploy_json")
health_path=$(jq -r '.healthPath' "$deploy_json")
if ! [[ $port =~ ^[0-9]+$ && $health_path == /* ]]; then
  echo "invalid appPort or healthPath" >&2
  exit 1
fi

id -u branchapp >/dev/null 2>&1 || useradd --system --home-dir "$app_dir" --shell /sbin/nologin branchapp
install -d -m 0750 -o branchapp -g branchapp "$app_dir"
chown -R branchapp:branchapp "$app_dir"

# The app's environment, for the app user only; run-app.sh exports it.
(
  umask 077
  jq '{BRANCH_ENVS_DEPLOY_ID: .deployId, BRANCH_ENVS_BRANCH: .branch, BRANCH_ENVS_APP: .app,
    PORT: (.appPort | tostring)} + .env' "$deploy_json" >/etc/branch-envs/app-env.json
)
chown branchapp:branchapp /etc/branch-envs/app-env.json

printf 'server 127.0.0.1:%d;\n' "$port" >/etc/nginx/branch-envs/upstream.conf
nginx -t -q
systemctl reload-or-restart nginx.service
systemctl daemon-reload
systemctl enable --now branch-env-app.service

deadline=$((SECONDS + timeout))
until curl --silent --fail --output /dev/null --max-time 5 --url "http://127.0.0.1${health_path}"; do
  if ((SECONDS >= deadline)); then
    echo "app not healthy at $health_path after ${timeout}s" >&2
    exit 1
  fi
  sleep 3
done
echo "app healthy at $health_path"
