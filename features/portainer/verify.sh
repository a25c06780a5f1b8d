#!/bin/sh
# portainer verify: the container for the role runs and stays up; the server's HTTPS API answers on 9443.
#
# Inputs (environment):
#   PHX_PORTAINER_ROLE  optional, server | agent | none | infrastructure (default: none = nothing to verify)
# Exit: 0 works; 1 something failed (one line on stdout); 2 bad input.
set -u

role=${PHX_PORTAINER_ROLE:-none}
case $role in
  none | infrastructure) exit 0 ;;
  server) name=portainer ;;
  agent) name=portainer_agent ;;
  *) echo "PHX_PORTAINER_ROLE must be server, agent or none, got '$role'" >&2; exit 2 ;;
esac

# A crash-looping container is "running" between restarts: wait up to 30 s for the API (server) and then
# check it is not restarting.
i=0
while :; do
  state=$(docker inspect -f '{{.State.Running}} {{.State.Restarting}}' "$name" 2>/dev/null) || state="missing"
  if [ "$state" = "true false" ]; then
    [ "$role" = agent ] && exit 0
    curl -fsSk -m 5 -o /dev/null https://127.0.0.1:9443/api/system/status 2>/dev/null && exit 0
  fi
  i=$((i + 1))
  if [ "$i" -ge 30 ]; then
    if [ "$state" != "true false" ]; then
      echo "container $name is not running steadily (running/restarting: $state)"
    else
      echo "portainer API not answering on https://127.0.0.1:9443"
    fi
    exit 1
  fi
  sleep 1
done
