#!/bin/sh
# Test: Docker can pull and run a container.
docker run --rm hello-world >/dev/null || { echo "docker run hello-world failed"; exit 1; }
