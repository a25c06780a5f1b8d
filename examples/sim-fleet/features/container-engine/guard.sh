#!/bin/sh
# A docker-style feature: the engine's config must name the wanted storage driver.
grep -q '"storage-driver": *"fuse-overlayfs"' /etc/docker/daemon.json 2>/dev/null || { echo "daemon.json missing or wrong storage driver"; exit 1; }
