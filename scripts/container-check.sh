#!/usr/bin/env bash
# Build the image and run it as a Compose user would, against the test Immich on loopback:
# a root-owned ./data (as Docker creates it), the API key as a root-owned 0600 secret file,
# media mounted read-only; then scan, check, serve (detached), health and stop.
# Exits non-zero on the first failure. Needs root (to make root-owned files, and for podman
# or docker) and the checkout's .venv (bash tests/run.sh creates it).
#
#   sudo bash scripts/container-check.sh          # ENGINE=docker|podman, IMAGE=..., SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE=${ENGINE:-$(docker info >/dev/null 2>&1 && echo docker || echo podman)}
IMAGE=${IMAGE:-immich-sidecar:check}
VENV=${SIDECAR_VENV:-.venv}
NAME=immich-sidecar-check-$$
say() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (the check needs root-owned files, as Docker makes them)"
command -v "$ENGINE" >/dev/null || fail "no container engine: install docker or podman"
[ -x "$VENV/bin/python" ] || fail "no $VENV: run bash tests/run.sh first"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  say "build $IMAGE with $ENGINE"
  flags=()
  if [ "$ENGINE" = podman ]; then
    flags+=(--format docker --network host)  # docker format keeps the HEALTHCHECK
    [ -f /etc/pip.conf ] && flags+=(--volume /etc/pip.conf:/etc/pip.conf:ro)
    ca=/etc/ssl/certs/ca-certificates.crt
    [ -f "$ca" ] && flags+=(--volume "$ca:$ca:ro")
  fi
  "$ENGINE" build "${flags[@]}" -t "$IMAGE" . >/dev/null
fi
"$ENGINE" image inspect --format 'image size: {{.Size}} bytes' "$IMAGE"

work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  "$ENGINE" rm -f "$NAME" >/dev/null 2>&1 || true
  exec 3>&- 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say "start the test Immich"
mkfifo "$work/fake-stdin"
"$VENV/bin/python" -m tests.fake_immich.serve --assets 20 --library /mnt/photos/family \
  <"$work/fake-stdin" >"$work/fake.json" &
exec 3>"$work/fake-stdin"  # the test Immich runs until this closes
for _ in $(seq 100); do [ -s "$work/fake.json" ] && break; sleep 0.1; done
url=$("$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["url"])' <"$work/fake.json")
key=$("$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["api_key"])' <"$work/fake.json")
echo "test Immich at $url"

mkdir -p "$work/data" "$work/config" "$work/photos"   # root-owned, as the engine creates them
touch "$work/data/created-by-the-engine"
printf '%s\n' "$key" >"$work/immich_api_key"
chmod 600 "$work/immich_api_key"
"$VENV/bin/python" -c 'import sys; from pathlib import Path; from sidecar.cli.samples import build_samples; build_samples(Path(sys.argv[1]))' "$work/photos/family" >/dev/null
# videos beside the photos: a clip, its smaller low-bitrate re-encode and a trim (PyAV in the image
# must decode them: one near group and one variant pair)
"$VENV/bin/python" - "$work/photos/family/2022/Clips" <<'PY'
import sys
from pathlib import Path
from tests.helpers.videos import make_clip
d = Path(sys.argv[1])
make_clip(d / "clip.mp4", seconds=6.0, size=(480, 360))
make_clip(d / "clip_small.mp4", seconds=6.0, size=(240, 180), bitrate=150_000)
make_clip(d / "clip_trim.mp4", seconds=6.0, size=(480, 360), start=1.5, length=3.0)
PY
cat >"$work/config/sidecar.toml" <<TOML
[[libraries]]
name = "family"
immich_path = "/mnt/photos/family"
local_path = "/mnt/photos/family"

[schedule]
sync_every_min = 1.0
TOML
ls -ln "$work" "$work/data" | sed 's/^/  /'

run_args=(--network host -e "IMMICH_URL=$url" -e TZ=Europe/Berlin
  -e IMMICH_API_KEY_FILE=/run/secrets/immich_api_key
  -v "$work/immich_api_key:/run/secrets/immich_api_key:ro"
  -v "$work/config:/config:ro" -v "$work/data:/data"
  -v "$work/photos/family:/mnt/photos/family:ro")

say "no pip or setuptools in the image"
if "$ENGINE" run --rm --entrypoint /opt/sidecar/bin/python "$IMAGE" -c 'import pip' 2>/dev/null \
  || "$ENGINE" run --rm --entrypoint python "$IMAGE" -c 'import setuptools' 2>/dev/null; then
  fail "pip or setuptools is importable in the runtime image"
fi
echo "ok"

say "scan"
"$ENGINE" run --rm "${run_args[@]}" "$IMAGE" scan || fail "scan"
say "analyze and report (videos decoded in the image)"
"$ENGINE" run --rm "${run_args[@]}" "$IMAGE" analyze || fail "analyze"
"$ENGINE" run --rm "${run_args[@]}" "$IMAGE" report --json >"$work/report.json" || fail "report"
"$VENV/bin/python" - "$work/report.json" <<'PY' || fail "no video group or trim pair in the report"
import json, sys
report = json.load(open(sys.argv[1]))
def names(item):
    return sorted(m["path"].rsplit("/", 1)[1] for m in item["members"])
groups = [names(g) for g in report["duplicate_groups"]]
pairs = [(p["kind"], names(p)) for p in report["pairs"]]
assert ["clip.mp4", "clip_small.mp4"] in groups, groups
assert ("variant", ["clip.mp4", "clip_trim.mp4"]) in pairs, pairs
print("video group and trim pair reported:", groups, pairs)
PY
say "check (the key from the 0600 secret)"
"$ENGINE" run --rm "${run_args[@]}" "$IMAGE" check || fail "check"
say "serve (detached)"
"$ENGINE" run -d --name "$NAME" "${run_args[@]}" "$IMAGE" serve >/dev/null
healthy=0
for _ in $(seq 60); do
  if out=$("$ENGINE" exec "$NAME" immich-sidecar health 2>&1); then healthy=1; break; fi
  sleep 1
done
say "health"
echo "$out"
[ "$healthy" = 1 ] || { "$ENGINE" logs "$NAME" 2>&1 | tail -20; fail "health"; }
"$ENGINE" exec "$NAME" immich-sidecar status | sed -n '1,12p'
say "stop"
"$ENGINE" stop -t 15 "$NAME" >/dev/null
code=$("$ENGINE" inspect --format '{{.State.ExitCode}}' "$NAME")
"$ENGINE" logs "$NAME" 2>&1 | grep -v "systemd connection" >"$work/serve.log" || true
cat "$work/serve.log"
[ "$code" = 0 ] || fail "the daemon exited with $code after SIGTERM"

say "ownership of ./data (uid:gid and files)"
owners=$(find "$work/data" -printf '%U:%G\n' | sort | uniq -c)
echo "$owners"
if find "$work/data" ! -uid 10001 | grep -q .; then fail "files in ./data not owned by 10001"; fi
[ "$(stat -c '%u %a' "$work/immich_api_key")" = "0 600" ] || fail "the secret was changed"
say "all passed"
