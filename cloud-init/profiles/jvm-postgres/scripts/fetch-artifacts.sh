#!/bin/bash
# Downloads the branch's build artifacts: pre-signed https URLs with curl, s3:// URIs with the
# instance profile. A published SHA-256 must match, or the boot fails.
set -euo pipefail

deploy_json=${BRANCH_ENVS_DEPLOY_JSON:-/etc/branch-envs/deploy.json}
list=$(mktemp)
trap 'rm -f -- "$list"' EXIT
# NUL-separated fields, so no URL or path is ever split or parsed by the shell.
jq -j '.artifacts[] | .name, "\u0000", .url, "\u0000", .dest, "\u0000", (.sha256 // ""), "\u0000"' \
  "$deploy_json" >"$list"

while IFS= read -r -d '' name && IFS= read -r -d '' url && IFS= read -r -d '' dest &&
  IFS= read -r -d '' sha256; do
  # URLs may carry credentials: log names only.
  echo "fetching $name to $dest"
  install -d -m 0755 -- "$(dirname -- "$dest")"
  case $url in
    https://*)
      curl --fail --silent --show-error --location --proto '=https' --retry 5 --retry-all-errors \
        --output "$dest.part" --url "$url"
      ;;
    s3://*) aws s3 cp --only-show-errors "$url" "$dest.part" ;;
    *)
      echo "artifact $name: unsupported URL scheme" >&2
      exit 1
      ;;
  esac
  if [[ -n $sha256 ]]; then
    actual=$(sha256sum <"$dest.part")
    actual=${actual%% *}
    if [[ $actual != "$sha256" ]]; then
      echo "artifact $name: SHA-256 is $actual, expected $sha256" >&2
      rm -f -- "$dest.part"
      exit 1
    fi
  fi
  mv -f -- "$dest.part" "$dest"
done <"$list"
