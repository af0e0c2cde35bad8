#!/usr/bin/env bash
# One command inside the NUMA lab, as root, over the lab's shared ssh connection: for the lab's callers that are
# not bash scripts (test/numa-lab/ssh.mjs), so that the ssh options are written once (common.sh's SSH_OPTS).
# ssh's own exit status and messages are this script's (exec).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
exec ssh "${SSH_OPTS[@]}" root@127.0.0.1 "$@"
