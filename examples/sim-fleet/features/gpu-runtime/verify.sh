#!/bin/sh
test -f /etc/phx-gpu-runtime
