#!/bin/bash
# Installs what every branch environment needs and is slow to install at boot: the JDK,
# PostgreSQL (PostGIS optional), nginx, jq and the AWS CLI. Idempotent: dnf skips what is there.
# Packer runs it as root with the variables of ami/branch-envs.pkr.hcl in the environment.
set -euo pipefail

: "${JDK_VERSION:?}" "${POSTGRESQL_VERSION:?}"
if [[ ! $JDK_VERSION =~ ^[0-9]+$ || ! $POSTGRESQL_VERSION =~ ^[0-9]+$ ]]; then
  echo "JDK_VERSION and POSTGRESQL_VERSION must be major version numbers" >&2
  exit 1
fi
# Package lists arrive space-separated; names never contain blanks.
read -r -a postgis_packages <<<"${POSTGIS_PACKAGES:-}"
read -r -a extra_packages <<<"${EXTRA_PACKAGES:-}"
read -r -a repo_urls <<<"${EXTRA_REPO_URLS:-}"

for url in "${repo_urls[@]}"; do
  dnf config-manager --add-repo "$url"
done

packages=(
  "java-${JDK_VERSION}-amazon-corretto-headless"
  "postgresql${POSTGRESQL_VERSION}"
  "postgresql${POSTGRESQL_VERSION}-server"
  "postgresql${POSTGRESQL_VERSION}-contrib"
  nginx
  jq
  gzip
  awscli-2
  amazon-ssm-agent
  util-linux
  "${postgis_packages[@]}"
  "${extra_packages[@]}"
)
dnf install -y --setopt=install_weak_deps=False "${packages[@]}"
dnf clean all

java -version
psql --version
nginx -v
