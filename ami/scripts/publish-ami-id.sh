#!/bin/bash
# Publishes the AMI of the last Packer build as SSM parameter /branch-envs/<stage>/ami-id in each
# region it was built in. The provisioner launches with ImageId "resolve:ssm:<that name>", so it
# always boots the latest bake without a redeploy.
#
# Usage: publish-ami-id.sh [stage] [manifest.json]
#   or, as Packer's shell-local post-processor runs it, with BRANCH_ENVS_STAGE, PACKER_MANIFEST
#   and BRANCH_ENVS_PUBLISH (false skips publishing) in the environment.
set -euo pipefail

stage=${1:-${BRANCH_ENVS_STAGE:-}}
manifest=${2:-${PACKER_MANIFEST:-manifest.json}}
if [[ ${BRANCH_ENVS_PUBLISH:-true} != true ]]; then
  echo "publishing skipped (publish = false)"
  exit 0
fi
if [[ ! $stage =~ ^[A-Za-z0-9_.-]+$ ]]; then
  echo "usage: publish-ami-id.sh <stage> [manifest.json] (stage: letters, digits, . _ -)" >&2
  exit 1
fi

# artifact_id is "region:ami-id[,region:ami-id...]"; take the build of the run that wrote it last.
artifact=$(jq -er '.last_run_uuid as $run
  | [.builds[] | select(.packer_run_uuid == $run)] | last | .artifact_id' "$manifest")
IFS=, read -r -a pairs <<<"$artifact"
for pair in "${pairs[@]}"; do
  region=${pair%%:*}
  ami_id=${pair#*:}
  if [[ ! $region =~ ^[a-z0-9-]+$ || ! $ami_id =~ ^ami-[0-9a-f]+$ ]]; then
    echo "unexpected artifact in $manifest: $pair" >&2
    exit 1
  fi
  # aws:ec2:image makes SSM check that the value is an AMI id that exists.
  aws ssm put-parameter --region "$region" --name "/branch-envs/$stage/ami-id" \
    --type String --data-type aws:ec2:image --value "$ami_id" --overwrite >/dev/null
  echo "published $ami_id as /branch-envs/$stage/ami-id in $region"
done
