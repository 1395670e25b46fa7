#!/bin/bash
# Screenshots for the user docs: Black Friday in presentation mode on a
# 1920x1080 screen at 100% and 250%, solo and compared, at its 09:00
# pause (the doorbuster peak, its caption on screen).
#
#   scripts/screenshots.sh [BIN] [OUTDIR]
#
# BIN defaults to target/release/asynclab (built if missing), OUTDIR to
# docs/images. ASYNCLAB_SHOT_SCREEN=1280x720 shoots on that screen instead
# (names end in -1280x720). Needs a virtual display and a few tools (Debian: xvfb
# xauth imagemagick xdotool libgl1 libgl1-mesa-dri libegl1
# libxkbcommon-x11-0 libxcursor1 libxi6 libx11-xcb1). Each shot takes
# about a minute: the scene plays to its pause at its own speed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/asynclab}
OUT=${2:-docs/images}
if [ ! -x "$BIN" ]; then cargo build --release; fi
BIN=$(realpath "$BIN")
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

SCREEN=${ASYNCLAB_SHOT_SCREEN:-1920x1080}
SUFFIX=""
if [ "$SCREEN" != 1920x1080 ]; then SUFFIX="-$SCREEN"; fi

if [ -z "${ASYNCLAB_SHOT_INNER:-}" ]; then
  export ASYNCLAB_SHOT_INNER=1
  exec xvfb-run -a -s "-screen 0 ${SCREEN}x24" "$0" "$BIN" "$OUT"
fi

# shot NAME SCALE SOLO: the app at SCALE percent (--scale: key presses
# under Xvfb can be lost, and a screenshot must be at the scale it says);
# SOLO=1 leaves the comparison --present opens.
shot() {
  local name=$1$SUFFIX scale=$2 solo=$3
  # A clean profile: no recent files, no saved scale, no restore offer.
  XDG_DATA_HOME=$(mktemp -d) XDG_CONFIG_HOME=$(mktemp -d) \
    "$BIN" --present 04-black-friday.ron --scale "$scale" >/dev/null 2>&1 &
  local pid=$!
  local win=""
  for _ in $(seq 1 100); do
    win=$(xdotool search --onlyvisible --name AsyncLab 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.2
  done
  [ -n "$win" ] || { echo "no AsyncLab window" >&2; kill $pid; exit 1; }
  # Mapped is not yet ready for focus: give the window a moment.
  sleep 2
  xdotool windowsize "$win" "${SCREEN%x*}" "${SCREEN#*x}"
  xdotool windowmove "$win" 0 0
  xdotool windowfocus --sync "$win"
  sleep 1
  if [ "$solo" = 1 ]; then xdotool key c; fi
  # 08:30 at 1000x is ~31 s, 08:30-09:00 at 120x 15 s: the pause at 09:00.
  sleep 52
  import -window root "$OUT/$name.png"
  kill $pid
  wait $pid 2>/dev/null || true
  echo "$OUT/$name.png"
}

shot presentation-solo-100 100 1
shot presentation-compare-100 100 0
shot presentation-solo-250 250 1
shot presentation-compare-250 250 0
