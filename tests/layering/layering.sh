#!/usr/bin/env bash
# layering.sh SRC: each folder includes only headers of the folders it may depend on
# (design.md): firmware uses core; kiosk and sync use firmware; office uses sync. A quoted
# include of a header that exists only in a folder above is a failure, named file:line.
set -u
src=${1:?usage: layering.sh SOURCE_DIR}
cd "$src" || exit 2
declare -A allowed=(
  [core]="core"
  [firmware]="core firmware"
  [kiosk]="core firmware kiosk"
  [sync]="core firmware sync"
  [office]="core firmware sync office"
)
fail=0 checked=0
for dir in core firmware kiosk sync office; do
  [ -d "$dir" ] || continue
  while IFS= read -r hit; do
    file=${hit%%:*} rest=${hit#*:} line=${rest%%:*}
    header=$(sed -n 's/.*#include[[:space:]]*"\([^"]*\)".*/\1/p' <<<"${rest#*:}")
    base=${header##*/}
    checked=$((checked + 1))
    ok=0 found=""
    for d in core firmware kiosk sync office; do
      if [ -n "$(find "$d" -name "$base" -print -quit 2>/dev/null)" ]; then
        found="$found $d"
        case " ${allowed[$dir]} " in *" $d "*) ok=1 ;; esac
      fi
    done
    # A header found nowhere is a system or generated one; only ours are checked.
    if [ -n "$found" ] && [ "$ok" = 0 ]; then
      echo "$file:$line: includes \"$header\" from$found, which $dir/ may not use"
      fail=1
    fi
  done < <(grep -rn --include='*.c' --include='*.h' '#include[[:space:]]*"' "$dir")
done
[ "$checked" -gt 0 ] || { echo "layering: no includes found under $src"; exit 1; }
[ "$fail" = 0 ] && echo "layering: $checked includes checked, each folder uses only those beneath it"
exit "$fail"
