#!/bin/bash
# Security defaults of the image: the SSM agent on (Session Manager is the only way in), sshd
# off unless DISABLE_SSHD=false, the app's unprivileged user and the directories the cloud-init
# scripts expect. IMDSv2-only is set on the AMI itself (imds_support in the Packer template).
# Idempotent.
set -euo pipefail

systemctl enable amazon-ssm-agent.service
if [[ ${DISABLE_SSHD:-true} == true ]]; then
  # Disabled, not stopped: Packer's own session still runs through sshd until the bake ends.
  systemctl disable sshd.service
fi

id -u branchapp >/dev/null 2>&1 ||
  useradd --system --home-dir /opt/branch-envs/app --shell /sbin/nologin branchapp
# /etc/branch-envs stays traversable: the app user reads its own app-env.json there. The files
# guard themselves (deploy.json is 0600 root, app-env.json 0600 branchapp).
install -d -m 0755 /opt/branch-envs /var/lib/branch-envs /usr/local/libexec/branch-envs /etc/branch-envs
