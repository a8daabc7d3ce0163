# xvfb.sh: sourced by the kiosk's X tests (e2e_kiosk.sh, fullscreen.sh). start_xvfb FIRST LAST SIZE LOG starts Xvfb on the first
# free display number from FIRST to LAST, never on TCP, at SIZE (WxHxD), logging to LOG; it sets
# $xvfb to its process and exports DISPLAY, or leaves $xvfb empty when none could start. The
# caller stops it ($xvfb) in its own cleanup.
start_xvfb() {
  local n
  xvfb=
  for n in $(seq "$1" "$2"); do
    [ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ] && continue
    Xvfb :$n -screen 0 "$3" -nolisten tcp -noreset > "$4" 2>&1 &
    xvfb=$!
    for _ in $(seq 300); do
      [ -e /tmp/.X11-unix/X$n ] && break
      kill -0 $xvfb 2> /dev/null || break
      sleep 0.1
    done
    if [ -e /tmp/.X11-unix/X$n ] && kill -0 $xvfb 2> /dev/null; then
      export DISPLAY=:$n
      return 0
    fi
    wait $xvfb 2> /dev/null
    xvfb=
  done
}

# shot and expect read what the running kiosk ($kiosk, started with --shot-file "$dir/shot")
# shows; they call the sourcing script's fail on a kiosk that is gone or never gets there.
shot() { # asks the kiosk what shows; fills $dir/shot.txt
  rm -f "$dir/shot.txt"
  kill -USR1 $kiosk 2> /dev/null || fail "the kiosk is gone"
  for _ in $(seq 300); do
    [ -s "$dir/shot.txt" ] && return 0
    sleep 0.1
  done
  fail "the kiosk wrote no screenshot"
}
expect() { # expect SCREEN [VIEW]: waits until it shows (60 s at most)
  for _ in $(seq 120); do
    shot
    if head -1 "$dir/shot.txt" | grep -q "^screen $1 ${2:-}"; then return 0; fi
    sleep 0.5
  done
  fail "expected screen $1 ${2:-}, showing $(head -1 "$dir/shot.txt")"
}
