#!/usr/bin/env bash
# Packages a stage (default prod) of a project (default the repository root's; or a folder
# with its own serverless.yml, e.g. examples/<name>) and runs AWS's cfn-lint on the template,
# where cfn-lint is installed (it is a Python tool, not an npm dependency). Settings: .cfnlintrc.yaml.
#   npm run lint:template -- prod
#   npm run lint:template -- prod examples/<name>
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint is not installed: skipping the template lint (pip install cfn-lint to run it)"
  exit 0
fi
stage="${1:-prod}"
project="${2:-.}"
if [ ! -f "$project/serverless.yml" ]; then
  echo "lint:template: $project has no serverless.yml" >&2
  exit 2
fi
out="$PWD/.test-out/lint-template-$(echo "$project" | tr '/.' '__')"
rm -rf "$out"
npx --no-install tsx scripts/sls.ts package --project "$project" --stage "$stage" --package "$out" >/dev/null
cfn-lint "$out/cloudformation-template-update-stack.json"
if [ "$project" = "." ]; then label="root project"; else label="$project"; fi
echo "cfn-lint: $label $stage template clean"
