#!/usr/bin/env bash
# Makes Docker usable for the container targets (fixtures/targets/simplesamlphp-container.yaml), idempotently:
#   1. a daemon: when `docker info` fails and we are root, install docker.io + debootstrap with apt and start
#      dockerd in the background (overlay2, else vfs; log /tmp/dockerd.log);
#   2. local/debian:bookworm: debootstrap --variant=minbase from the Debian mirror apt already uses, then
#      docker import (no registry needed). Not root / no Debian mirror: docker pull debian:bookworm-slim;
#   3. local/ssp-idp:1 built from fixtures/targets/simplesamlphp-container/Dockerfile (context fixtures/),
#      skipped when the image's input-hash label matches the files it copies and the base image;
#   4. the network idpc-loopback, whose published ports bind 127.0.0.1 only.
# It always exits 0, so the rest of CI still runs, and prints exactly one of
#   docker: ready
#   docker: unavailable (<reason>)        (the reason is also written to /tmp/idpc-docker-unavailable)
# Timings of each step go to stdout. Never starts dockerd with --bridge none (that deletes docker0).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 0

MARK=/tmp/idpc-docker-unavailable
DOCKERD_LOG=/tmp/dockerd.log
APT_LOG=/tmp/idpc-docker-apt.log
BUILD_LOG=/tmp/idpc-docker-build.log
BASE_IMAGE=local/debian:bookworm
IMAGE=local/ssp-idp:1
NETWORK=idpc-loopback
DOCKERFILE=fixtures/targets/simplesamlphp-container/Dockerfile
LABEL=org.idp-conformance.inputs
SUITE=bookworm

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "docker.sh: $*"; }
TIMINGS=()
timed() { TIMINGS+=("$1 $2 s"); say "$1: $2 s${3:+ ($3)}"; }
timings() { local IFS=';'; echo "${TIMINGS[*]:-nothing to do}" | sed 's/;/, /g'; }
T0=$(now)

unavailable() {
  local reason
  reason=$(echo "$*" | tr '\n' ' ' | sed 's/  */ /g; s/ $//')
  echo "$reason" >"$MARK" 2>/dev/null
  [ ${#TIMINGS[@]} -eq 0 ] || say "timings: $(timings), total $(secs "$T0") s"
  echo "docker: unavailable ($reason)"
  exit 0
}
is_root() { [ "$(id -u)" = 0 ]; }
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"; } \
    >>"$APT_LOG" 2>&1
}

# ---- 1. daemon -------------------------------------------------------------------------------------------
DEADLINE=0
wait_docker() { # PID: until docker info answers (0), dockerd PID exits (1), or the deadline passes (2)
  while :; do
    docker info >/dev/null 2>&1 && return 0
    [ -n "$1" ] && ! kill -0 "$1" 2>/dev/null && return 1
    awk -v d="$DEADLINE" -v n="$(now)" 'BEGIN { exit !(n > d) }' && return 2
    sleep 0.5
  done
}
start_dockerd() { # DRIVER
  echo "=== $(date -u +%FT%TZ) docker.sh: dockerd --storage-driver=$1" >>"$DOCKERD_LOG"
  setsid nohup dockerd --storage-driver="$1" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  local pid=$! rc
  wait_docker "$pid"
  rc=$?
  [ $rc -eq 0 ] && return 0
  if [ $rc -eq 2 ]; then
    kill "$pid" 2>/dev/null # our own dockerd only, by PID
    return 2
  fi
  return 1
}

if ! docker info >/dev/null 2>&1; then
  if ! is_root; then
    if command -v docker >/dev/null 2>&1; then
      why=$(docker info 2>&1 | grep -m1 -iE 'cannot connect|permission denied|error' || true)
      why="docker info: ${why:-the daemon does not answer}"
    else
      why='docker is not installed'
    fi
    unavailable "$why; not root, so not installing/starting it — start dockerd or run as root"
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    t=$(now)
    apt_install docker.io debootstrap ||
      unavailable "apt-get install docker.io debootstrap failed (see $APT_LOG: $(tail -n 1 "$APT_LOG" 2>/dev/null))"
    timed "install docker.io+debootstrap" "$(secs "$t")" "$(dpkg-query -W -f='${Version}' docker.io 2>/dev/null)"
  fi
  command -v dockerd >/dev/null 2>&1 || unavailable "dockerd not found after installing docker.io"
  t=$(now)
  DEADLINE=$(awk -v n="$t" 'BEGIN { printf "%.3f", n + 60 }')
  if pgrep -x dockerd >/dev/null 2>&1; then
    # Someone else's dockerd is starting (or hung): wait for it, never start a second one.
    wait_docker "" || unavailable "a dockerd is running but docker info does not answer within 60 s"
    driver=existing
  elif start_dockerd overlay2; then
    driver=overlay2
  elif [ $? -eq 1 ] && start_dockerd vfs; then
    driver=vfs
  else
    unavailable "dockerd did not start within 60 s (overlay2, then vfs): $(grep -iE 'level=(fatal|error)|failed' "$DOCKERD_LOG" | tail -n 1 | cut -c1-300) — see $DOCKERD_LOG"
  fi
  timed "dockerd start" "$(secs "$t")" "$driver"
fi
say "daemon $(docker version -f '{{.Server.Version}}' 2>/dev/null), storage driver $(docker info -f '{{.Driver}}' 2>/dev/null)"

# ---- 2. base image ---------------------------------------------------------------------------------------
# The Debian archive apt already uses (an entry for SUITE, or for this host's codename on Debian):
# one-line sources.list entries and deb822 *.sources files. Never a host that is not configured here.
debian_mirror() {
  local codename='' id=''
  if [ -r /etc/os-release ]; then
    id=$(. /etc/os-release && echo "${ID:-}")
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  fi
  [ "$id" = debian ] || codename=$SUITE
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    case $f in
    *.sources)
      awk -v s1="$SUITE" -v s2="$codename" '
        function flush() { if (deb && on && suite && uri != "") { print uri; found = 1; exit } }
        /^[[:space:]]*$/ { flush(); deb = 0; on = 1; suite = 0; uri = ""; next }
        BEGIN { on = 1 }
        tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
        tolower($1) == "enabled:" { on = (tolower($2) != "no") }
        tolower($1) == "uris:" { uri = $2 }
        tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s1 || $i == s2) suite = 1 }
        END { if (!found) flush() }' "$f"
      ;;
    *)
      awk -v s1="$SUITE" -v s2="$codename" '
        $1 == "deb" { i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                      if ($(i + 1) == s1 || $(i + 1) == s2) { print $i; exit } }' "$f"
      ;;
    esac
  done | grep -m1 -E '^https?://'
}

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  say "$BASE_IMAGE exists"
else
  mirror=$(debian_mirror)
  if is_root && [ -n "$mirror" ] && { command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap; }; then
    rootfs=$(mktemp -d /tmp/idpc-rootfs.XXXXXX)
    t=$(now)
    if ! debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >/tmp/idpc-debootstrap.log 2>&1; then
      rm -rf "$rootfs"
      unavailable "debootstrap $SUITE from $mirror failed: $(tail -n 1 /tmp/idpc-debootstrap.log) — see /tmp/idpc-debootstrap.log"
    fi
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    timed "debootstrap" "$(secs "$t")" "$mirror, $(du -sm "$rootfs" | cut -f1) MB"
    t=$(now)
    tar -C "$rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
    rc=$?
    rm -rf "$rootfs"
    [ $rc -eq 0 ] || unavailable "docker import of the debootstrap rootfs failed"
    timed "import" "$(secs "$t")"
  else
    # Not root, or no Debian mirror configured: try the registry.
    t=$(now)
    docker pull -q debian:bookworm-slim >/dev/null 2>&1 && docker tag debian:bookworm-slim "$BASE_IMAGE" ||
      unavailable "no $BASE_IMAGE: debootstrap needs root and a Debian mirror in apt sources (root: $(is_root && echo yes || echo no), mirror: ${mirror:-none}), and docker pull debian:bookworm-slim failed"
    timed "pull debian:bookworm-slim" "$(secs "$t")"
  fi
fi

# ---- 3. the SimpleSAMLphp image --------------------------------------------------------------------------
inputs_hash() {
  {
    docker image inspect -f '{{.Id}}' "$BASE_IMAGE"
    find fixtures/targets/simplesamlphp fixtures/targets/simplesamlphp-container fixtures/keys/gateway.cert.pem \
      fixtures/keys/gateway-enc.cert.pem -type f -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-32
}
want=$(inputs_hash)
have=$(docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$IMAGE" 2>/dev/null)
if [ "$have" = "$want" ]; then
  say "$IMAGE is up to date ($LABEL=$want)"
else
  t=$(now)
  if ! docker build --network host --build-arg "BASE=$BASE_IMAGE" --label "$LABEL=$want" \
    -f "$DOCKERFILE" -t "$IMAGE" fixtures >"$BUILD_LOG" 2>&1; then
    tail -n 20 "$BUILD_LOG" | sed 's/^/  build| /'
    unavailable "docker build of $IMAGE failed: $(grep -v '^ *$' "$BUILD_LOG" | tail -n 1 | cut -c1-200) — see $BUILD_LOG"
  fi
  timed "build $IMAGE" "$(secs "$t")" "$(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%d MB", $1 / 1e6 }')"
fi

# ---- 4. loopback-only network ----------------------------------------------------------------------------
OPT=com.docker.network.bridge.host_binding_ipv4
if docker network inspect "$NETWORK" >/dev/null 2>&1; then
  bind=$(docker network inspect -f "{{index .Options \"$OPT\"}}" "$NETWORK")
  [ "$bind" = 127.0.0.1 ] ||
    unavailable "network $NETWORK exists with $OPT='$bind', not 127.0.0.1 — docker network rm $NETWORK and rerun"
  say "network $NETWORK exists"
else
  t=$(now)
  docker network create -o "$OPT=127.0.0.1" "$NETWORK" >/dev/null ||
    unavailable "docker network create $NETWORK failed"
  timed "network $NETWORK" "$(secs "$t")"
fi

rm -f "$MARK"
say "timings: $(timings), total $(secs "$T0") s"
echo "docker: ready"
