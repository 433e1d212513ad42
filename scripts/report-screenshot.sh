#!/usr/bin/env bash
# Renders a failing report.html in headless Chromium and fails on any console message (issue 13:
# "check it renders"). The page has one inline script (the filter, engine.report.HtmlGroups); a
# console line means it threw, or the page asked for something it should not (a network fetch).
#
#   scripts/report-screenshot.sh [REPORT_DIR] [PNG]
#
# Without REPORT_DIR it makes a failing report first: the numpy port with a planted bug
# (PERMCHECK_PLANT_BUG=token-order, docs/checks.md) on the quick tier, into a temporary directory.
# The largest failure group is opened (through its #anchor link, and open in the screenshot). Default PNG:
# reports/report-screenshot.png. Needs chromium (Debian: apt-get install chromium); the test suite
# never does (HtmlGroupsTest checks the page's structure without a browser).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
report_dir=${1:-}
png=${2:-$here/reports/report-screenshot.png}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "report-screenshot: no chromium on PATH (apt-get install -y chromium)" >&2
    exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$report_dir" ]; then
    report_dir="$tmp/report"
    # a planted bug: the run is NOT CONFORMANT (exit 1) by design; any other code is a real problem
    set +e
    PERMCHECK_PLANT_BUG=token-order "$here/permcheck" run --backend "exec:python3 $here/adapters/python/examples/numpy_port.py" \
        --out "$report_dir" > "$tmp/run.log" 2>&1
    code=$?
    set -e
    if [ "$code" != 1 ]; then
        echo "report-screenshot: the planted-bug run exited $code, not 1 (NOT CONFORMANT); its log:" >&2
        tail -20 "$tmp/run.log" >&2
        exit 2
    fi
fi
page="$report_dir/report.html"
[ -f "$page" ] || { echo "report-screenshot: no $page" >&2; exit 2; }
# the first group of the page is the largest (counts first)
anchor=$(grep -o '<details class="group" id="[^"]*"' "$page" | head -1 | sed 's/.*id="\([^"]*\)"/\1/' || true)
url="file://$(cd "$(dirname "$page")" && pwd)/report.html"
mkdir -p "$(dirname "$png")"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 --virtual-time-budget=3000)
# 1. the page as a reader follows a group's link (#anchor: the script opens the group, scrolls there);
# --enable-logging=stderr prints every console message as INFO:CONSOLE, the rest of its output
# (dbus noise on a machine without a session bus) is not the page's
"$browser" "${flags[@]}" --dump-dom "$url${anchor:+#$anchor}" > "$tmp/dom.html" 2> "$tmp/chromium.log" || {
    echo "report-screenshot: chromium failed:" >&2; tail -5 "$tmp/chromium.log" >&2; exit 2; }
# 2. the screenshot: a headless screenshot of a scrolled viewport comes out blank, so it is taken of a
# copy with that group open (what the anchor does) from the top, tall enough to reach into the group
sed '0,/<details class="group"/s//<details open class="group"/' "$page" > "$tmp/report.html"
"$browser" "${flags[@]}" --window-size=1100,3300 --force-device-scale-factor=0.75 --screenshot="$png" "file://$tmp/report.html" \
    >> "$tmp/chromium.log" 2>&1 || { echo "report-screenshot: chromium failed:" >&2; tail -5 "$tmp/chromium.log" >&2; exit 2; }
if grep -q ':CONSOLE' "$tmp/chromium.log"; then
    echo "report-screenshot: console messages on $url:" >&2
    grep ':CONSOLE' "$tmp/chromium.log" >&2
    exit 1
fi
if [ -n "$anchor" ] && ! grep -q "<details class=\"group\" id=\"$anchor\"[^>]* open" "$tmp/dom.html"; then
    echo "report-screenshot: following #$anchor did not open its group" >&2
    exit 1
fi
[ -s "$png" ] || { echo "report-screenshot: no screenshot written" >&2; exit 2; }
echo "report-screenshot: $url rendered without console messages (group #${anchor:-none} opened by its link); screenshot $png ($(wc -c < "$png") bytes)"
