#!/usr/bin/env bash
# The GitOps workflow of phoenix-lxc.yml, run on this machine: what the pull request jobs do on the PR's branch,
# then what the push job does after the merge. Run it in the project root (the git work tree holding Pulumi.yaml),
# for example against the simulated nodes of `phoenix sim start` with the project's file backend:
#
#   bash examples/gitops/run-local.sh BRANCH [--stack dev] [--main main] [--comment FILE]
#
#   1. validate  on BRANCH: phoenix validate of the stack's containers file (nothing reaches a node if it fails)
#   2. preview   on BRANCH: pulumi preview --refresh --diff, saved to FILE as the PR comment would show it
#   3. merge     BRANCH into the main branch (git merge --no-ff)
#   4. up        on main: validate again, then pulumi up --refresh
#
# Environment: PULUMI_BACKEND_URL (default file://<project>/.phoenix/state), PULUMI_CONFIG_PASSPHRASE (default
# empty, as `phoenix sim start` uses). A `pulumi` on PATH is used; else the one Phoenix LXC's setup recorded.
# Exit status: that of the first step that failed; the steps after it do not run.
set -euo pipefail

usage() { echo "usage: $0 BRANCH [--stack NAME] [--main BRANCH] [--comment FILE]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BRANCH="$1"; shift
STACK=dev MAIN=main COMMENT=.phoenix/pr-comment.md
while [ $# -gt 0 ]; do
  case "$1" in
    --stack) STACK="${2:?}"; shift 2 ;;
    --main) MAIN="${2:?}"; shift 2 ;;
    --comment) COMMENT="${2:?}"; shift 2 ;;
    *) usage ;;
  esac
done
[ -f Pulumi.yaml ] || { echo "run-local: no Pulumi.yaml here; run it in the project root" >&2; exit 2; }

PHOENIX_PKG=node_modules/phoenix-lxc
[ -x "$PHOENIX_PKG/bin/phoenix" ] || { echo "run-local: no $PHOENIX_PKG here; npm install it (and npm run build)" >&2; exit 2; }
if ! command -v pulumi >/dev/null 2>&1; then
  [ -f "$PHOENIX_PKG/.phoenix/pulumi-bin-dir" ] || { echo "run-local: no pulumi on PATH; run Phoenix LXC's scripts/setup.sh" >&2; exit 2; }
  PATH="$(cat "$PHOENIX_PKG/.phoenix/pulumi-bin-dir"):$PATH"
fi
export PATH PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.phoenix/state}"
if [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-}"; fi
mkdir -p "$(dirname "$COMMENT")"

step() { printf '== %s\n' "$*" >&2; }
validate() {
  local file
  file="$(pulumi config get configFile --stack "$STACK" 2>/dev/null || echo phoenix_lxc_configs.json)"
  step "validate ($file on $(git rev-parse --abbrev-ref HEAD))"
  node "$PHOENIX_PKG/bin/phoenix" validate --config "$file"
}

git checkout -q "$BRANCH"
validate

step "preview on $BRANCH: pulumi preview --refresh --diff --stack $STACK → $COMMENT"
status=0
preview="$(pulumi preview --refresh --diff --color never --stack "$STACK" 2>&1)" || status=$?
# shellcheck disable=SC2016 # the backticks are Markdown, not shell
{
  printf '#### `pulumi preview` on stack `%s` (branch `%s`)%s\n\n' "$STACK" "$BRANCH" "$([ $status = 0 ] || echo ' FAILED')"
  printf '```diff\n%s\n```\n' "$preview"
} > "$COMMENT"
printf '%s\n' "$preview"
[ $status = 0 ] || exit $status

step "merge $BRANCH into $MAIN"
git checkout -q "$MAIN"
git merge -q --no-ff -m "Merge branch '$BRANCH'" "$BRANCH"

validate
step "up on $MAIN: pulumi up --refresh --stack $STACK"
pulumi up --refresh --yes --color never --stack "$STACK"
