# Kept apart from branch-envs.pkr.hcl so that Packer releases older than 1.7 (Debian's 1.6.6,
# which CI uses for `packer validate -syntax-only`) can still read the main template.
# `packer init ami/` installs the plugin before a real build.
packer {
  required_version = ">= 1.10.0"
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.3.0"
    }
  }
}
