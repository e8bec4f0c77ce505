#!/usr/bin/env bash
# Fetch the dashboard's JavaScript libraries and base map from the npm registry
# and vendor them into src/eventlens/web/static/vendor/ (the dashboard needs no
# internet at run time).  Run by a developer when a version changes; the
# vendored files are committed.  Needs node/npm.
#
#   leaflet          1.9.4  BSD-2-Clause  the map
#   chart.js         4.6.1  MIT           the timeline of counts
#   topojson-client  3.1.0  ISC           TopoJSON -> GeoJSON in the browser
#   world-atlas      2.0.2  ISC           countries-110m.json: country outlines
#                                          (Natural Earth, public domain)
#   swagger-ui-dist  5.35.0 Apache-2.0    the API docs page at /docs
set -euo pipefail
cd "$(dirname "$0")/.."

LEAFLET=1.9.4
CHARTJS=4.6.1
TOPOJSON_CLIENT=3.1.0
WORLD_ATLAS=2.0.2
SWAGGER_UI=5.35.0

DEST=src/eventlens/web/static/vendor
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

fetch() {  # fetch NAME VERSION -> unpacked package under $TMP/NAME
    local name="$1" version="$2"
    mkdir -p "$TMP/$name"
    (cd "$TMP/$name" && npm pack --silent "$name@$version" >/dev/null && tar xzf ./*.tgz)
    echo "$TMP/$name/package"
}

rm -rf "$DEST"
mkdir -p "$DEST/leaflet/images" "$DEST/chart.js" "$DEST/topojson-client" "$DEST/world-atlas" "$DEST/swagger-ui"

p="$(fetch leaflet "$LEAFLET")"
cp "$p/dist/leaflet.js" "$p/dist/leaflet.css" "$p/LICENSE" "$DEST/leaflet/"
cp "$p/dist/images/"*.png "$DEST/leaflet/images/"

p="$(fetch chart.js "$CHARTJS")"
cp "$p/dist/chart.umd.min.js" "$p/LICENSE.md" "$DEST/chart.js/"

p="$(fetch topojson-client "$TOPOJSON_CLIENT")"
cp "$p/dist/topojson-client.min.js" "$p/LICENSE" "$DEST/topojson-client/"

p="$(fetch world-atlas "$WORLD_ATLAS")"
cp "$p/countries-110m.json" "$p/LICENSE" "$DEST/world-atlas/"

p="$(fetch swagger-ui-dist "$SWAGGER_UI")"
cp "$p/swagger-ui-bundle.js" "$p/swagger-ui.css" "$p/LICENSE" "$p/NOTICE" "$p/swagger-ui-bundle.js.LICENSE.txt" "$DEST/swagger-ui/"
# The bundle's last line points at a source map that is not vendored.
sed -i '/^\/\/# sourceMappingURL=/d' "$DEST/swagger-ui/swagger-ui-bundle.js"

cat > "$DEST/VERSIONS.txt" <<TXT
Vendored from the npm registry by scripts/vendor_js.sh; licences beside each file.
leaflet ${LEAFLET} (BSD-2-Clause) dist/leaflet.js, dist/leaflet.css, dist/images
chart.js ${CHARTJS} (MIT) dist/chart.umd.min.js
topojson-client ${TOPOJSON_CLIENT} (ISC) dist/topojson-client.min.js
world-atlas ${WORLD_ATLAS} (ISC) countries-110m.json; the outlines are Natural Earth (public domain)
swagger-ui-dist ${SWAGGER_UI} (Apache-2.0) swagger-ui-bundle.js, swagger-ui.css
TXT
du -sh "$DEST" >&2
