#!/bin/sh
# portainer install: runs Portainer for the wanted role in Docker (server: "portainer", HTTPS UI on 9443 and the
# edge tunnel on 8000, data in the volume portainer_data; agent: "portainer_agent" on 9001, which a server adds
# as an environment). Idempotent: a running container with the wanted image is left alone, a stopped one is
# started, one with another image is replaced (the data volume is kept).
#
# Inputs (environment):
#   PHX_PORTAINER_ROLE   optional, server | agent | none | infrastructure (default: none = nothing to do)
#   PHX_PORTAINER_IMAGE  optional, image to run
#                        (default: portainer/portainer-ce:lts for server, portainer/agent:lts for agent)
# Exit: 0 done; 2 bad input or docker not running; other non-zero: the failing step's status.
set -eu

role=${PHX_PORTAINER_ROLE:-none}
say() { printf '[portainer] %s\n' "$*"; }
die() { printf '[portainer] error: %s\n' "$2" >&2; exit "$1"; }

case $role in
  none | infrastructure) say "role $role: nothing to install"; exit 0 ;;
  server) name=portainer; image=${PHX_PORTAINER_IMAGE:-portainer/portainer-ce:lts} ;;
  agent) name=portainer_agent; image=${PHX_PORTAINER_IMAGE:-portainer/agent:lts} ;;
  *) die 2 "PHX_PORTAINER_ROLE must be server, agent or none, got '$role'" ;;
esac
docker info >/dev/null 2>&1 || die 2 "docker is not running; portainer needs the docker feature first"

if state=$(docker inspect -f '{{.State.Running}} {{.Config.Image}}' "$name" 2>/dev/null); then
  if [ "${state#* }" = "$image" ]; then
    if [ "${state%% *}" != true ]; then
      say "starting stopped container $name"
      docker start "$name" >/dev/null
    fi
    say "container $name runs $image"
    exit 0
  fi
  say "replacing container $name (runs ${state#* }, wanted $image)"
  docker rm -f "$name" >/dev/null
fi

say "pulling $image"
docker pull "$image"
say "starting container $name"
if [ "$role" = server ]; then
  docker run -d --name "$name" --restart=always -p 9443:9443 -p 8000:8000 \
    -v /var/run/docker.sock:/var/run/docker.sock -v portainer_data:/data "$image"
else
  docker run -d --name "$name" --restart=always -p 9001:9001 \
    -v /var/run/docker.sock:/var/run/docker.sock -v /var/lib/docker/volumes:/var/lib/docker/volumes \
    -v /:/host "$image"
fi
say "done"
