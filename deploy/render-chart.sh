#!/usr/bin/env bash
# Renders deploy/helm/portcullis like `helm template` (Helm is not in Debian):
# builds deploy/helm-render with Debian's Go and Sprig packages (GOPATH mode,
# offline) into .data/helm-render, then runs it with the given arguments.
#   deploy/render-chart.sh [-f values.yaml] [--set key=value] ...
# Needs: apt-get install golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.data/helm-render"
src="$root/deploy/helm-render/main.go"
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
  mkdir -p "$root/.data"
  GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="${GOCACHE:-$root/.data/go-cache}" \
    go build -o "$bin" "$src" >&2
fi
exec "$bin" "$root/deploy/helm/portcullis" "$@"
