#!/usr/bin/env bash
# The README's first command: set everything up, start two simulated Proxmox VE nodes behind real sshd on this
# machine, and converge the example fleet (examples/sim-fleet) onto them with the real Pulumi engine.
# Run it again to see the second `up` change nothing. `npx phoenix sim stop` stops the nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PATH="$(cat .phoenix/pulumi-bin-dir):$PATH"
export PATH PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

echo "== starting the simulated nodes pve1 and pve2 (stack 'dev')"
node bin/phoenix sim start --nodes pve1,pve2 --config examples/sim-fleet/phoenix_lxc_configs.json
echo "== converging the fleet: phoenix up"
node bin/phoenix up
echo "== a second up changes nothing"
node bin/phoenix up
node bin/phoenix status
if [ "${CI:-}" = "true" ]; then
  # CI runs the test suite next, which starts its own nodes.
  node bin/phoenix sim stop
else
  echo
  echo "The fleet runs on simulated nodes. Try: npx phoenix status, npx phoenix snapshots 950,"
  echo "npx phoenix test 950, npx phoenix preview. Stop: npx phoenix sim stop"
  echo "The Pulumi CLI on the same stack and state:"
  # shellcheck disable=SC2016 # $PATH is printed for the user's shell to expand
  printf '  PATH="%s:$PATH" PULUMI_BACKEND_URL="file://%s/.phoenix/state" PULUMI_CONFIG_PASSPHRASE= pulumi preview --stack dev --cwd "%s"\n' \
    "$(cat .phoenix/pulumi-bin-dir)" "$PWD" "$PWD"
fi
