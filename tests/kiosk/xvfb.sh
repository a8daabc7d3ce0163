# xvfb.sh: sourced by the kiosk's X tests. start_xvfb FIRST LAST SIZE LOG starts Xvfb on the first
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
