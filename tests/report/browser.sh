#!/usr/bin/env bash
# browser.sh: the office report opened in headless Chromium: screenshots of the pages and a
# letter (kept in OUT_DIR for a person to look at), and the letters printed to PDF, checked to
# be one A4 page per pupil. Skips (exit 77) when chromium is missing, unless CI=true.
# usage: browser.sh LATEDOOR GEN_STORE OUT_DIR
set -euo pipefail
latedoor=$1 gen=$2 out=$3

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] || ! command -v pdfinfo >/dev/null; then
  if [ "${CI:-}" = true ]; then
    echo "browser.sh: chromium or pdfinfo missing under CI (.ci/deps.sh installs them)" >&2
    exit 1
  fi
  echo "browser.sh: chromium or pdfinfo (poppler-utils) not installed: skipped" >&2
  exit 77
fi

work=$(mktemp -d /tmp/ld-report-browser-XXXXXX)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"
"$gen" "sqlite:$work/central.db" 2026-11-20 0 >/dev/null
url="sqlite:$work/central.db"
src=$(cd "$(dirname "$0")/../.." && pwd)
"$latedoor" report setup --config "$src/assets/demo/school.ini" --central "$url" >/dev/null
"$latedoor" report --central "$url" --out "$out/site" --date 2026-11-20 >/dev/null
# corrections, so that the late log shows them: void the day's first arrival, amend the second
first=$(awk -F, 'NR == 2 {print $8 ":" $9}' "$out/site/late-log.csv")
second=$(awk -F, 'NR == 3 {print $8 ":" $9}' "$out/site/late-log.csv")
"$latedoor" report void --event "$first" --staff "j.fenwick" --note "tapped by a sibling" \
  --central "$url" >/dev/null
"$latedoor" report amend --event "$second" --reason "Medical appointment" --staff "j.fenwick" \
  --central "$url" >/dev/null
"$latedoor" report --central "$url" --out "$out/site" --date 2026-11-20 >/dev/null
grep -q '<tr class="void"' "$out/site/daily.html" ||
  { echo "browser.sh: the voided arrival is not in the late log" >&2; exit 1; }

chrome() {
  # a fresh profile each time, nothing but loopback-free local files
  local profile
  profile=$(mktemp -d "$work/profile-XXXXXX")
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-quic \
    --disable-dev-shm-usage \
    --user-data-dir="$profile" --hide-scrollbars "$@" >/dev/null 2>"$work/chrome.log" || {
    echo "browser.sh: chromium failed: $(tail -3 "$work/chrome.log")" >&2
    exit 1
  }
}

first_letter=$(ls "$out/site/letters" | head -1)
upn=${first_letter%.html}
for page in index daily weekly action "pupils/$upn" "letters/$upn"; do
  png="$out/$(echo "$page" | tr / -).png"
  chrome --window-size=1200,1600 --screenshot="$png" "file://$out/site/$page.html"
  [ -s "$png" ] || { echo "browser.sh: no screenshot of $page" >&2; exit 1; }
done

letters=$(grep -o '<section class="letter' "$out/site/letters.html" | wc -l)
[ "$letters" -gt 1 ] || { echo "browser.sh: only $letters letters to print" >&2; exit 1; }
chrome --no-pdf-header-footer --print-to-pdf="$out/letters.pdf" "file://$out/site/letters.html"
pages=$(pdfinfo "$out/letters.pdf" | awk '/^Pages:/ {print $2}')
size=$(pdfinfo "$out/letters.pdf" | awk '/^Page size:/ {printf "%d x %d", $3 + 0.5, $5 + 0.5}')
echo "letters: $letters, PDF pages: $pages, page size: $size pts"
if [ "$pages" != "$letters" ]; then
  echo "browser.sh: $letters letters printed on $pages pages: each must be one A4 page" >&2
  exit 1
fi
if [ "$size" != "595 x 842" ]; then
  echo "browser.sh: page size $size pts, not A4 (595 x 842)" >&2
  exit 1
fi
# every page of the PDF holds text (no blank page from an overflow)
for p in $(seq 1 "$pages"); do
  pdftotext -f "$p" -l "$p" "$out/letters.pdf" - | grep -q "Dear parent" ||
    { echo "browser.sh: PDF page $p has no letter on it" >&2; exit 1; }
done
echo "screenshots and letters.pdf in $out"
