#!/bin/bash
# Makes nginx the environment's front door: port 80 proxies to the app's loopback port, and
# /.branch-envs/status shows how the boot went. Each deploy rewrites only upstream.conf (the
# port; cloud-init start-app.sh). Idempotent: every managed file is rewritten whole.
set -euo pipefail

port=${APP_PORT:-3000}
if [[ ! $port =~ ^[0-9]+$ ]]; then
  echo "APP_PORT must be a number" >&2
  exit 1
fi

install -d -m 0755 /etc/nginx/branch-envs /var/lib/branch-envs
printf 'server 127.0.0.1:%d;\n' "$port" >/etc/nginx/branch-envs/upstream.conf
[[ -e /etc/nginx/nginx.conf.orig ]] || cp -p /etc/nginx/nginx.conf /etc/nginx/nginx.conf.orig

# The stock nginx.conf has a server on port 80 of its own, so the whole file is replaced.
cat >/etc/nginx/nginx.conf <<'NGINX'
# Managed by branch-envs (ami/scripts/configure-nginx.sh); the original is nginx.conf.orig.
user nginx;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /run/nginx.pid;
include /usr/share/nginx/modules/*.conf;

events {
    worker_connections 1024;
}

http {
    log_format main '$remote_addr - $remote_user [$time_local] "$request" $status '
                    '$body_bytes_sent "$http_referer" "$http_user_agent" $request_time';
    access_log /var/log/nginx/access.log main;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    types_hash_max_size 4096;
    server_tokens off;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;

    upstream branch_env_app {
        include /etc/nginx/branch-envs/upstream.conf;
        keepalive 16;
    }

    server {
        listen 80 default_server;
        listen [::]:80 default_server;
        server_name _;
        client_max_body_size 100m;

        # Boot status written by cloud-init bootstrap.sh: {"status": ..., "step": ...}.
        location = /.branch-envs/status {
            default_type application/json;
            add_header Cache-Control no-store;
            alias /var/lib/branch-envs/status.json;
        }

        location / {
            proxy_pass http://branch_env_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Fail fast while the app is still starting, so health checks see 502 at once.
            proxy_connect_timeout 2s;
            proxy_read_timeout 300s;
        }
    }
}
NGINX

# SELinux is permissive on AL2023; where it is enforcing, nginx may not connect to the app.
if command -v selinuxenabled >/dev/null && selinuxenabled; then
  setsebool -P httpd_can_network_connect 1
fi

nginx -t
systemctl enable nginx.service
