#!/bin/bash
# The app unit's ExecStart. Settings become environment variables here, read from JSON with NUL
# separators, so no value is ever parsed as shell or systemd syntax.
set -euo pipefail

env_json=${BRANCH_ENVS_APP_ENV_JSON:-/etc/branch-envs/app-env.json}
while IFS= read -r -d '' name && IFS= read -r -d '' value; do
  if [[ ! $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    echo "invalid environment variable name" >&2
    exit 1
  fi
  export "$name=$value"
done < <(jq -j 'to_entries[] | .key, "\u0000", .value, "\u0000"' "$env_json")
# A process substitution's exit status is lost unless waited for: fail if jq failed.
wait "$!"

# JAVA_OPTS is split on blanks; it is never globbed or evaluated.
read -r -a java_opts <<<"${JAVA_OPTS:-}"
exec java "${java_opts[@]}" -jar "${APP_JAR:-app.jar}"
