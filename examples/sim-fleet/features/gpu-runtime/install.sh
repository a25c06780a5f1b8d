#!/bin/sh
set -eu
echo "configuring the GPU runtime"
printf 'devices=/dev/nvidia*\n' > /etc/phx-gpu-runtime
