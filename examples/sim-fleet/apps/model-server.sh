#!/bin/sh
# Application script: reads its own settings from the pushed config, writes the service's config.
set -eu
test -r "$PHX_CONFIG_FILE"
mkdir -p /srv/model
echo "model server for CT $1" > /srv/model/ready
echo "model server configured"
