#!/usr/bin/env bash
# End-to-end suite for SCIM provisioning (issue 5): one real `skydir serve` (restarted once after
# a kill -9) provisioning into two real SCIM 2.0 servers started here: tests/scim/target.mjs
# (scimmy) and tests/scim/strict_target.mjs (behaves as Infisical's SCIM server). Driven through
# the REST API with Python's standard library; the targets' state is read from their /_state.
# One line per check; ends with "N passed, N failed"; exits non-zero on any failure.
#
# Environment: SKYDIR_BIN (default build/src/app/skydir), SKYDIR_SOURCE_DIR.
set -u
SOURCE_DIR=${SKYDIR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export SKYDIR_BIN=${SKYDIR_BIN:-build/src/app/skydir}
export SKYDIR_SOURCE_DIR=$SOURCE_DIR
if [[ ! -d $SOURCE_DIR/tests/node_modules/scimmy ]]; then
  echo "FAIL - tests/node_modules has no scimmy (run scripts/install-deps)"
  echo "0 passed, 1 failed"
  exit 1
fi
exec /usr/bin/python3 "$SOURCE_DIR/tests/integration/scim_suite.py"
