#!/bin/sh
# Test: the Docker daemon is active.
systemctl is-active --quiet docker || { echo "docker is not active"; exit 1; }
