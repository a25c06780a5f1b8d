#!/bin/sh
# Installed when the tools marker lists the wanted version.
grep -qx 'version=2' /etc/phx-base-tools 2>/dev/null || { echo "base tools missing or outdated"; exit 1; }
