#!/usr/bin/env bash
# Every benchmark, one after another (each takes the machine for itself; they share 2 cores with nothing else
# of ours). Results go to stdout as the Markdown BENCHMARKS.md records. `npm run bench` runs this.
#   bash scripts/bench.sh [--quick]   (--quick: pure benchmarks only, no sshd, no engine)
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json >/dev/null || true  # other folders' type errors must not stop a benchmark run
PATH="$(cat .phoenix/pulumi-bin-dir):$PATH"
export PATH PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PHOENIX_REPO_ROOT="$PWD"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
node dist/bench/retention-bench.js
node dist/bench/config-bench.js
if [ "${1:-}" != "--quick" ]; then
  node dist/bench/ssh-pool-bench.js
  node dist/bench/fleet-bench.js --containers 10,50,200
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
