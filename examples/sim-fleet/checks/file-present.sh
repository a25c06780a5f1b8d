#!/bin/sh
# Health check: the file named by $1 exists.
test -e "$1" || { echo "$1 is missing"; exit 1; }
