#!/usr/bin/env bash
# The whole test suite: unit (pure core), integration (host layer and providers against simulated nodes behind
# real sshd), end-to-end (the real Pulumi engine). Every test starts the sshd nodes it needs and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PATH="$(cat .phoenix/pulumi-bin-dir):$PATH"
export PATH PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PHOENIX_REPO_ROOT="$PWD"

# Live processes only: this machine's PID 1 may not reap orphans, and a zombie is not a process left running.
count_live() { ps -eo stat=,args= | awk -v pat="$1" '$1 !~ /^Z/ && $0 ~ pat' | wc -l; }
before=$(count_live '^[^ ]+ +sshd')
runtimes_before=$(count_live 'testbed/runtime/ct-init[.]sh')
status=0
# Unit tests in parallel; integration and e2e one file at a time (they start servers and share 2 cores).
node --test --test-concurrency=2 dist/test/unit/ || status=1
node --test --test-concurrency=1 dist/test/integration/ || status=1
if [ -d dist/test/e2e ]; then node --test --test-concurrency=1 dist/test/e2e/ || status=1; fi
after=$(count_live '^[^ ]+ +sshd')
if [ "$after" -gt "$before" ]; then
  echo "test.sh: $((after - before)) sshd process(es) left behind by the tests" >&2
  pgrep -a -x sshd >&2 || true
  status=1
fi
runtimes_after=$(count_live 'testbed/runtime/ct-init[.]sh')
if [ "$runtimes_after" -gt "$runtimes_before" ]; then
  echo "test.sh: $((runtimes_after - runtimes_before)) container runtime(s) left behind by the tests" >&2
  status=1
fi
exit $status
