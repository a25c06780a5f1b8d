#!/bin/sh
# Example custom feature "monitoring" (guard step). Runs inside the container via pct exec.
set -eu
# Installed when the node exporter binary is present.
test -x /usr/local/bin/node_exporter
