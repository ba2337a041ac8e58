# The AMI every branch environment boots from: Amazon Linux 2023 with a JDK, PostgreSQL (PostGIS
# optional), nginx as a reverse proxy, jq and the SSM agent. Per-deploy work happens in cloud-init
# (cloud-init/); this image only holds what is slow to install. See ami/README.md.

variable "region" {
  type        = string
  default     = "eu-north-1"
  description = "Region to bake in; the AMI id is published to SSM in the same region."
}

variable "stage" {
  type        = string
  default     = "dev"
  description = "Stage whose SSM parameter /branch-envs/<stage>/ami-id receives the new AMI id."
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}

variable "jdk_version" {
  type        = string
  default     = "21"
  description = "Amazon Corretto major version: installs java-<version>-amazon-corretto-headless."
}

variable "postgresql_version" {
  type        = string
  default     = "16"
  description = "PostgreSQL major version from the AL2023 repositories: installs postgresql<version>-server."
}

variable "postgis_packages" {
  type        = list(string)
  default     = []
  description = "PostGIS packages, from a repository added with extra_repo_urls (AL2023's own repositories have none). Empty: no PostGIS."
}

variable "extra_repo_urls" {
  type        = list(string)
  default     = []
  description = "URLs of .repo files added with `dnf config-manager --add-repo` before installing."
}

variable "extra_packages" {
  type        = list(string)
  default     = []
  description = "More packages for the app profile, e.g. [\"fontconfig\"]."
}

variable "app_port" {
  type        = number
  default     = 3000
  description = "Port nginx proxies to until a deploy writes its own (cloud-init start-app.sh)."
}

variable "volume_size" {
  type        = number
  default     = 20
  description = "Root volume size in GiB; it must hold the largest branch's jar and restored dump."
}

variable "kms_key_id" {
  type        = string
  default     = ""
  description = "KMS key for the encrypted root volume and snapshot. Empty: the account's default EBS key."
}

variable "subnet_id" {
  type        = string
  default     = ""
  description = "Subnet to bake in. It needs a route to SSM (NAT or VPC endpoints); no inbound rule is opened."
}

variable "disable_sshd" {
  type        = bool
  default     = true
  description = "Disable sshd in the image: environments are reached through SSM Session Manager only."
}

variable "publish" {
  type        = bool
  default     = true
  description = "Write the new AMI id to /branch-envs/<stage>/ami-id after the build."
}

variable "manifest_path" {
  type    = string
  default = "manifest.json"
}

locals {
  build_time = formatdate("YYYYMMDDhhmmss", timestamp())
  scripts    = "${path.root}/scripts"
}

source "amazon-ebs" "al2023" {
  region          = var.region
  instance_type   = var.instance_type
  subnet_id       = var.subnet_id
  ami_name        = "branch-envs-${var.stage}-${local.build_time}"
  ami_description = "branch-envs ${var.stage}: AL2023, Corretto ${var.jdk_version}, PostgreSQL ${var.postgresql_version}, nginx"

  source_ami_filter {
    filters = {
      name                = "al2023-ami-2023.*-x86_64"
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["amazon"]
    most_recent = true
  }

  # IMDSv2 only, for the bake and (through imds_support) for every instance launched from the AMI.
  imds_support = "v2.0"
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.volume_size
    volume_type           = "gp3"
    encrypted             = true
    kms_key_id            = var.kms_key_id
    delete_on_termination = true
  }

  # SSH runs inside an SSM Session Manager tunnel. With a temporary instance profile that allows
  # the agent to connect, the builder's temporary security group gets no inbound rule at all.
  communicator              = "ssh"
  ssh_username              = "ec2-user"
  ssh_interface             = "session_manager"
  ssh_clear_authorized_keys = true
  temporary_iam_instance_profile_policy_document {
    Version = "2012-10-17"
    Statement {
      Effect = "Allow"
      Action = [
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ]
      # These actions have no resource-level permissions.
      Resource = ["*"]
    }
  }

  # No ManagedBy=branch-envs here: the reaper terminates instances with that tag and no record.
  run_tags = {
    Name    = "branch-envs-ami-bake"
    Project = "branch-envs"
  }
  tags = {
    Name              = "branch-envs-${var.stage}-${local.build_time}"
    Project           = "branch-envs"
    Stage             = var.stage
    BaseAmi           = "{{ .SourceAMI }}"
    BaseAmiName       = "{{ .SourceAMIName }}"
    JdkVersion        = var.jdk_version
    PostgresqlVersion = var.postgresql_version
  }
}

build {
  sources = ["source.amazon-ebs.al2023"]

  provisioner "shell" {
    execute_command = "sudo -E bash '{{ .Path }}'"
    environment_vars = [
      "JDK_VERSION=${var.jdk_version}",
      "POSTGRESQL_VERSION=${var.postgresql_version}",
      "POSTGIS_PACKAGES=${join(" ", var.postgis_packages)}",
      "EXTRA_REPO_URLS=${join(" ", var.extra_repo_urls)}",
      "EXTRA_PACKAGES=${join(" ", var.extra_packages)}",
      "APP_PORT=${var.app_port}",
      "DISABLE_SSHD=${var.disable_sshd}",
    ]
    scripts = [
      "${local.scripts}/install-packages.sh",
      "${local.scripts}/configure-postgres.sh",
      "${local.scripts}/configure-nginx.sh",
      "${local.scripts}/configure-instance.sh",
    ]
  }

  # Updates in place (ADR 0021): SSM Run Command runs this script from the AMI, so it costs the
  # user data nothing. It calls the boot scripts cloud-init writes next to it.
  provisioner "file" {
    source      = "${path.root}/../cloud-init/profiles/jvm-postgres/scripts/branch-envs-update.sh"
    destination = "/tmp/branch-envs-update.sh"
  }
  provisioner "shell" {
    execute_command = "sudo -E bash '{{ .Path }}'"
    inline = [
      "install -D -m 0755 /tmp/branch-envs-update.sh /usr/local/libexec/branch-envs/branch-envs-update.sh",
      "rm -f /tmp/branch-envs-update.sh",
    ]
  }

  post-processors {
    post-processor "manifest" {
      output     = var.manifest_path
      strip_path = true
      custom_data = {
        stage = var.stage
      }
    }
    post-processor "shell-local" {
      environment_vars = [
        "BRANCH_ENVS_STAGE=${var.stage}",
        "BRANCH_ENVS_PUBLISH=${var.publish}",
        "PACKER_MANIFEST=${var.manifest_path}",
      ]
      script = "${local.scripts}/publish-ami-id.sh"
    }
  }
}
