#!/bin/sh
# Example custom feature "monitoring" (install step). Runs inside the container via pct exec.
set -eu
# A placeholder install: the simulated testbed has no network, so create a stub exporter.
mkdir -p /usr/local/bin
printf '#!/bin/sh\necho node_exporter stub\n' > /usr/local/bin/node_exporter
chmod 0755 /usr/local/bin/node_exporter
