#!/bin/sh
set -eu
echo "installing base tools"
mkdir -p /opt/tools
printf '#!/bin/sh\necho tools ok\n' > /opt/tools/hello
chmod 0755 /opt/tools/hello
printf 'version=2\n' > /etc/phx-base-tools
