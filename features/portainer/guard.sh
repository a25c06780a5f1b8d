#!/bin/sh
# portainer guard: exits 0 when the Portainer container for the wanted role runs the wanted image:
# server -> docker container "portainer", agent -> "portainer_agent"; role none (or infrastructure, which the
# original accepted but never handled) -> nothing to install. Runs inside the container; read-only, no network.
#
# Inputs (environment):
#   PHX_PORTAINER_ROLE   optional, server | agent | none | infrastructure (default: none)
#   PHX_PORTAINER_IMAGE  optional, image the container must run
#                        (default: portainer/portainer-ce:lts for server, portainer/agent:lts for agent)
# Exit: 0 installed; 1 not installed (one line on stdout says what is missing); 2 bad input.
set -u

role=${PHX_PORTAINER_ROLE:-none}
case $role in
  none | infrastructure) exit 0 ;;
  server) name=portainer; image=${PHX_PORTAINER_IMAGE:-portainer/portainer-ce:lts} ;;
  agent) name=portainer_agent; image=${PHX_PORTAINER_IMAGE:-portainer/agent:lts} ;;
  *) echo "PHX_PORTAINER_ROLE must be server, agent or none, got '$role'" >&2; exit 2 ;;
esac

if ! command -v docker >/dev/null 2>&1; then
  echo "docker not installed (portainer needs the docker feature)"
  exit 1
fi
if ! state=$(docker inspect -f '{{.State.Running}} {{.Config.Image}}' "$name" 2>/dev/null); then
  echo "container $name does not exist"
  exit 1
fi
if [ "${state%% *}" != true ]; then
  echo "container $name is not running"
  exit 1
fi
if [ "${state#* }" != "$image" ]; then
  echo "container $name runs ${state#* }, wanted $image"
  exit 1
fi
exit 0
