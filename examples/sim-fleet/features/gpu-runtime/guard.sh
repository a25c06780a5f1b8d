#!/bin/sh
test -f /etc/phx-gpu-runtime || { echo "gpu runtime not configured"; exit 1; }
