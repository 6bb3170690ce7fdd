#!/usr/bin/env bash
# The long fuzz run: every hostile-input property a hundred times longer than in CI (about 10 minutes).
# SCHOOLBOT_FUZZ_SCALE=1000 bench/fuzz.sh for a night.
set -euo pipefail
cd "$(dirname "$0")/.."
export SCHOOLBOT_FUZZ_SCALE="${SCHOOLBOT_FUZZ_SCALE:-100}"
exec .venv/bin/pytest -q -p no:randomly tests/test_hostile_input.py tests/test_webhook_requests.py \
  tests/test_commands.py tests/test_membership_commands.py tests/test_membership_users.py "$@"
