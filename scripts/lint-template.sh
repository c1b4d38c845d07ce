#!/usr/bin/env bash
# Packages the prod stage and runs AWS's cfn-lint on the template, where cfn-lint is
# installed (it is a Python tool, not an npm dependency). Settings: .cfnlintrc.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint is not installed: skipping the template lint (pip install cfn-lint to run it)"
  exit 0
fi
out=.test-out/lint-template
rm -rf "$out"
npx --no-install osls package --stage "${1:-prod}" --package "$out" >/dev/null
cfn-lint "$out/cloudformation-template-update-stack.json"
echo "cfn-lint: ${1:-prod} template clean"
