#!/bin/sh
# Example custom feature "monitoring" (verify step). Runs inside the container via pct exec.
set -eu
/usr/local/bin/node_exporter >/dev/null
