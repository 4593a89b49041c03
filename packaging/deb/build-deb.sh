#!/usr/bin/env bash
# Builds the Debian package from the self-contained single-file build.
# Usage: packaging/deb/build-deb.sh BINARY VERSION OUTPUT_DIR
#   BINARY      the published single-file mcpgw (linux-x64)
#   VERSION     the package version, e.g. 0.1.0
#   OUTPUT_DIR  where mcpgw_VERSION_amd64.deb is written
# Prints the path of the package.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [[ $# -ne 3 ]]; then
  echo "usage: $0 BINARY VERSION OUTPUT_DIR" >&2
  exit 2
fi
binary="$1"
version="$2"
output="$3"
if [[ ! -x "$binary" ]]; then
  echo "error: $binary is not an executable file (run ./build.sh publish)" >&2
  exit 1
fi
command -v dpkg-deb > /dev/null || { echo "error: dpkg-deb is not installed (apt-get install dpkg)" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"

install -D -m 0755 "$binary" "$stage/usr/lib/mcpgw/mcpgw"
mkdir -p "$stage/usr/bin"
ln -s ../lib/mcpgw/mcpgw "$stage/usr/bin/mcpgw"
install -D -m 0644 "$here/gateway.json" "$stage/etc/mcpgw/gateway.json"
install -D -m 0644 "$here/mcpgw.service" "$stage/usr/lib/systemd/system/mcpgw.service"
install -D -m 0644 "$repo/schema/gateway.schema.json" "$stage/usr/share/mcpgw/gateway.schema.json"
install -D -m 0644 "$repo/README.md" "$stage/usr/share/doc/mcpgw/README.md"

install -d "$stage/DEBIAN"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$stage/DEBIAN/"
echo "/etc/mcpgw/gateway.json" > "$stage/DEBIAN/conffiles"
installed_size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: mcpgw
Version: $version
Section: net
Priority: optional
Architecture: amd64
Maintainer: McpGateway maintainers <mcpgw@localhost>
Installed-Size: $installed_size
Depends: adduser, libc6 (>= 2.27), libgcc-s1, libstdc++6, libssl3 | libssl3t64, ca-certificates
Recommends: nodejs
Description: security gateway in front of MCP servers
 McpGateway sits between MCP clients and MCP servers: it authenticates every
 connection, applies policy, holds calls for human approval, masks secrets and
 records every session in a tamper-evident audit store.
 .
 This package installs the self-contained mcpgw program, a systemd service
 (mcpgw.service, Type=notify, user mcpgw), /etc/mcpgw/gateway.json and the state
 directory /var/lib/mcpgw for the SQLite stores.
CONTROL

mkdir -p "$output"
package="$output/mcpgw_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$package" > /dev/null
echo "$package"
