#!/bin/bash
# Updates the environment in place to a newer build of its branch (issue 18, ADR 0021). SSM Run
# Command starts it through the stack's update document; its only input is SSM_UpdateInput (the
# document's ENV_VAR parameter, never spliced into a command): base64url JSON the provisioner
# wrote, with the new artifacts' URLs, sizes and ETags, the new head SHA and whether to re-seed.
#
# Exit codes, which the provisioner reads from the command's result:
#   0  the new build runs and is healthy
#   3  a new artifact could not be fetched or verified; the app was never stopped
#   4  the new build was not healthy in time; the previous build is back and healthy
#   5  the previous build was put back but is not healthy either
#   2  the input is invalid; nothing was changed
set -euo pipefail

deploy_json=${BRANCH_ENVS_DEPLOY_JSON:-/etc/branch-envs/deploy.json}
libexec=${BRANCH_ENVS_LIBEXEC:-/usr/local/libexec/branch-envs}
state_dir=${BRANCH_ENVS_STATE_DIR:-/var/lib/branch-envs}
timeout=${BRANCH_ENVS_HEALTH_TIMEOUT:-900}
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

input=$work/input.json
b64=${SSM_UpdateInput:-}
if ! [[ $b64 =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "update input missing or not base64url" >&2
  exit 2
fi
b64=${b64//-/+}
b64=${b64//_//}
while ((${#b64} % 4)); do b64+='='; done
if ! base64 -d <<<"$b64" >"$input" 2>/dev/null || ! jq -e '.version == 1' "$input" >/dev/null; then
  echo "update input is not a version 1 document" >&2
  exit 2
fi
head_sha=$(jq -r '.headSha' "$input")
if ! [[ $head_sha =~ ^[0-9a-f]{40}$ ]]; then
  echo "update input has no valid head SHA" >&2
  exit 2
fi

# Every artifact goes where the boot put it (deploy.json), never where the input says: the input
# names artifacts, and their destinations stay the ones cloud-init wrote.
if ! jq -e --slurpfile boot "$deploy_json" '
    [.artifacts[].name] | sort == ([$boot[0].artifacts[].name] | sort)' "$input" >/dev/null; then
  echo "update input does not name exactly the artifacts of this environment" >&2
  exit 2
fi
jq --slurpfile boot "$deploy_json" --arg staged "$work/staged" '
  .artifacts |= map(. as $a | ($boot[0].artifacts[] | select(.name == $a.name)) as $b
    | {name, url, sizeBytes, eTag, dest: ($staged + "/" + .name), final: $b.dest})' \
  "$input" >"$work/fetch.json"

echo "fetching the build of ${head_sha:0:7}"
install -d -m 0700 "$work/staged"
if ! BRANCH_ENVS_DEPLOY_JSON=$work/fetch.json "$libexec/fetch-artifacts.sh"; then
  echo "fetching the new build failed; the app keeps running its build" >&2
  exit 3
fi

# S3 describes each object by size and ETag; a single-part upload's ETag is its MD5.
verify() {
  local name=$1 path=$2 size=$3 etag=$4 actual
  actual=$(stat -c %s -- "$path")
  if [[ $actual != "$size" ]]; then
    echo "artifact $name: $actual bytes, S3 says $size" >&2
    return 1
  fi
  if [[ $etag =~ ^[0-9a-f]{32}$ ]]; then
    actual=$(md5sum <"$path")
    if [[ ${actual%% *} != "$etag" ]]; then
      echo "artifact $name: MD5 differs from its ETag" >&2
      return 1
    fi
  fi
}
while IFS= read -r -d '' name && IFS= read -r -d '' size && IFS= read -r -d '' etag; do
  verify "$name" "$work/staged/$name" "$size" "$etag" || exit 3
done < <(jq -j '.artifacts[] | .name, "\u0000", (.sizeBytes | tostring), "\u0000", (.eTag // ""), "\u0000"' \
  "$work/fetch.json")

# name, staged file, final destination: NUL-separated, so no path is split by the shell.
swap_list=$work/swap
jq -j '.artifacts[] | .name, "\u0000", .dest, "\u0000", .final, "\u0000"' "$work/fetch.json" >"$swap_list"

install_build() { # $1: new | previous
  while IFS= read -r -d '' name && IFS= read -r -d '' staged && IFS= read -r -d '' final; do
    if [[ $1 == new ]]; then
      cp -p -- "$final" "$final.previous"
      install -m 0644 -- "$staged" "$final"
    else
      mv -f -- "$final.previous" "$final"
    fi
    echo "$1 $name in place"
  done <"$swap_list"
}

reseed() {
  local name
  name=$(jq -r '.db.name // empty' "$deploy_json")
  [[ -n $name ]] || return 0
  echo "re-seeding the database"
  runuser -u postgres -- dropdb --if-exists -- "$name"
  rm -f -- "$state_dir/restored-db"
  "$libexec/restore-db.sh"
}

start() { BRANCH_ENVS_HEALTH_TIMEOUT=$timeout "$libexec/start-app.sh"; }

systemctl stop branch-env-app.service
install_build new
if [[ $(jq -r '.reseed' "$input") == true ]]; then reseed; fi
if start; then
  jq -n --arg sha "$head_sha" '{headSha: $sha}' >"$state_dir/build.json"
  echo "updated to ${head_sha:0:7}"
  exit 0
fi

echo "the new build is not healthy; restoring the previous one" >&2
systemctl stop branch-env-app.service
install_build previous
if start; then
  echo "the previous build runs again"
  exit 4
fi
echo "the previous build is not healthy either" >&2
exit 5
