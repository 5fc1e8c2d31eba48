#!/usr/bin/env bash
# The Windows smoke suite: topolint.exe, cross-compiled for x86_64-pc-windows-gnu with MinGW-w64,
# run under Wine with Windows paths (`\`, drive letters, `.\`, `\\server\share`), a UTF-16
# export, every output format written to an `--output` path with `\`, `plan` and
# `worksheet init`, and the console's code page and colour. Each step checks exit codes and
# what was written, not only that the program ran.
#
#   .ci/windows-smoke.sh                 build target/x86_64-pc-windows-gnu/release/topolint.exe, test it
#   .ci/windows-smoke.sh path/to/topolint.exe   test that one (a release archive's)
#
# Needs Debian's gcc-mingw-w64-x86-64 and wine64 (installed when missing, as root or through
# sudo) and the Rust target x86_64-pc-windows-gnu.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$SECONDS

# --- tools -----------------------------------------------------------------------------------
wine=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver64
missing=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-x86-64)
[ -x "$wine" ] || missing+=(wine64)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

exe=${1:-}
if [ -z "$exe" ]; then
  if ! rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu; then
    rustup target add x86_64-pc-windows-gnu
  fi
  cargo build --release --locked --target x86_64-pc-windows-gnu
  exe=target/x86_64-pc-windows-gnu/release/topolint.exe
fi
echo "windows-smoke: testing $exe (tools and build: $((SECONDS - start)) s)"

# --- the harness: the .exe, and a stand-in for bcryptprimitives.dll --------------------------
# Rust's standard library takes its random numbers from ProcessPrng in bcryptprimitives.dll,
# which Wine 8 does not have. This one-function DLL answers it from RtlGenRandom
# (SystemFunction036 in advapi32). It lives beside the .exe in this folder only: release
# archives never hold it, and real Windows has the real one.
harness=$root/target/windows-smoke
rm -rf "$harness"
mkdir -p "$harness/bin" "$harness/work"
cp "$exe" "$harness/bin/topolint.exe"
cat > "$harness/prng.c" <<'C'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
C
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$harness/bin/bcryptprimitives.dll" "$harness/prng.c" -ladvapi32

# A Wine of its own, headless and quiet; no Mono or Gecko (console programs need neither).
WINEPREFIX=$(mktemp -d)
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree=;mshtml=" WINEARCH=win64
unset DISPLAY WAYLAND_DISPLAY
cleanup() {
  "$wineserver" -k >/dev/null 2>&1 || true
  rm -rf "$WINEPREFIX"
}
trap cleanup EXIT
"$wine" wineboot -i </dev/null >/dev/null 2>&1
# `\\backup01\lync\...` reaches the work folder: Wine maps UNC paths to dosdevices/unc/.
mkdir -p "$WINEPREFIX/dosdevices/unc/backup01"
ln -s "$harness/work" "$WINEPREFIX/dosdevices/unc/backup01/lync"

# --- the inputs ------------------------------------------------------------------------------
work=$harness/work
as_of=2026-11-21
mkdir -p "$work/deploy"
cp -r testdata/example "$work/deploy/contoso"
# A copy whose servers.csv leaves fe02 without a replacement: RS301, exit 1.
cp -r testdata/example "$work/deploy/broken"
python3 - "$work/deploy/broken/servers.csv" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
assert "fe02.contoso.com,Front End,ready," in text
open(path, "w", encoding="utf-8").write(text.replace("fe02.contoso.com,Front End,ready,", "fe02.contoso.com,Front End,none,", 1))
PY
# The export as Windows PowerShell 5.1 writes it: UTF-16LE with a byte-order mark, CRLF.
cp -r testdata/example "$work/deploy/utf16"
python3 - "$work/deploy/utf16/topology.xml" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8-sig").read().replace("\r\n", "\n").replace("\n", "\r\n")
open(path, "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))
PY
# A deployment on drive C:, outside the working directory.
mkdir -p "$WINEPREFIX/drive_c/lync"
cp -r "$work/deploy/broken" "$WINEPREFIX/drive_c/lync/broken"

# The work folder as Windows names it (Wine maps Z: to /).
winwork="Z:$(printf '%s' "$work" | tr / '\\')"

# --- running and checking --------------------------------------------------------------------
passed=0
failed=0
out=$harness/out
err=$harness/err

# tl ARGS...: runs topolint.exe in $work; sets $code, stdout in $out, stderr in $err.
tl() {
  set +e
  (cd "$work" && "$wine" "$harness/bin/topolint.exe" "$@" >"$out" 2>"$err" </dev/null)
  code=$?
  set -e
}

# check NAME COMMAND...: a named assertion; COMMAND must succeed.
check() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name" >&2
    echo "  exit code: ${code:-?}" >&2
    sed 's/^/  stdout: /' "$out" 2>/dev/null | head -n 20 >&2 || true
    sed 's/^/  stderr: /' "$err" 2>/dev/null | head -n 20 >&2 || true
  fi
}
exit_is() { [ "$code" -eq "$1" ]; }
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
last_line_is() { [ "$(tail -n 1 "$1" | tr -d '\r')" = "$2" ]; }
py() { python3 -c "$1" "${@:2}"; }

# The version, as Cargo.toml gives it.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
tl --version
check "--version" exit_is 0
check "--version prints the version" has "$out" "topolint $version"

# The example by every spelling of its folder: READY, exit 0.
for spelling in 'deploy\contoso' '.\deploy\contoso' 'deploy/contoso' "$winwork\\deploy\\contoso" 'DEPLOY\CONTOSO'; do
  tl check "$spelling" --as-of "$as_of"
  check "check $spelling: exit 0" exit_is 0
  check "check $spelling: READY" last_line_is "$out" "READY"
  check "check $spelling: 8 files" has "$out" "Checked 1 topology and 7 worksheets in 8 files read"
done

# One file named twice, by two spellings that Windows takes for the same file: read once.
tl check 'deploy\contoso' 'Deploy\Contoso\TOPOLOGY.XML' --as-of "$as_of"
check "same file, two cases: exit 0" exit_is 0
check "same file, two cases: read once" has "$out" "Checked 1 topology and 7 worksheets in 8 files read"
check "same file, two cases: READY" last_line_is "$out" "READY"

# Worksheets named in another case than their topology's folder join its deployment, and are
# not read a second time when the worksheets beside the named topology join it.
tl check 'deploy\contoso\servers.csv' 'deploy\contoso\sql-instances.csv' 'DEPLOY\Contoso\TOPOLOGY.XML' \
  --as-of "$as_of" --format json
check "worksheets and topology in two cases: one deployment" py '
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
assert report["summary"]["topologies"] == 1 and report["summary"]["worksheets"] == 7, report["summary"]
assert len(report["deployments"]) == 1 and report["deployments"][0]["readiness_checked"], report["deployments"]
assert not [f for f in report["findings"] if f["code"] == "IN008"]
' "$out"

# A UTF-16 export reads as the UTF-8 one does.
tl check 'deploy\utf16' --as-of "$as_of"
check "UTF-16 export: exit 0" exit_is 0
check "UTF-16 export: READY" last_line_is "$out" "READY"
tl inspect 'deploy\utf16\topology.xml' --format json
check "UTF-16 inspect: exit 0" exit_is 0
check "UTF-16 inspect: pool read" has "$out" '"pool01.contoso.com"'

# A finding: human paths as typed, with `\`, or `/` when typed with `/`.
tl check '.\deploy\broken' --as-of "$as_of" --format concise
check "broken: exit 1" exit_is 1
check "concise path with \\" has "$out" 'deploy\broken\servers.csv:'
check "concise names RS301" has "$out" "error[RS301]"
tl check 'deploy/broken' --as-of "$as_of" --format concise
check "concise path typed with /" has "$out" 'deploy/broken/servers.csv:'

# Every format, each to an --output path with `\` in a folder that does not exist yet.
tl check 'deploy\broken' --as-of "$as_of" \
  --format human,concise,json,sarif,junit,github,azure,html \
  --output 'reports\human.txt' --output 'reports\concise.txt' --output 'reports\report.json' \
  --output 'reports\report.sarif' --output 'reports\junit.xml' --output 'reports\github.txt' \
  --output 'reports\azure.txt' --output "$winwork\\reports\\report.html"
check "every format: exit 1" exit_is 1
check "every format: nothing on stdout" test ! -s "$out"
r=$work/reports
check "human file: path as typed" has "$r/human.txt" '[deploy\broken\servers.csv:'
check "human file: verdict" last_line_is "$r/human.txt" "NOT READY FOR RESTORE"
check "concise file" has "$r/concise.txt" 'deploy\broken\servers.csv:'
check "json: relative paths with /" py '
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
paths = {f["location"]["path"] for f in report["findings"] if f["location"]}
assert "deploy/broken/servers.csv" in paths, paths
assert not any("\\" in p for p in paths), paths
assert report["verdict"] == "not-ready"
' "$r/report.json"
check "sarif: relative URIs with /" py '
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
uris = {l["physicalLocation"]["artifactLocation"]["uri"] for res in log["runs"][0]["results"] for l in res["locations"]}
assert "deploy/broken/servers.csv" in uris, uris
assert not any("\\" in u or ":" in u for u in uris), uris
' "$r/report.sarif"
check "junit: a failing case" py '
import sys, xml.etree.ElementTree as ET
suites = ET.parse(sys.argv[1]).getroot()
assert any(tc.find("failure") is not None and "fe02.contoso.com" in tc.get("name") for tc in suites.iter("testcase"))
' "$r/junit.xml"
check "github annotation" has "$r/github.txt" "::error file=deploy/broken/servers.csv,"
check "azure annotation" has "$r/azure.txt" "sourcepath=deploy/broken/servers.csv;"
check "html report" has "$r/report.html" "NOT READY FOR RESTORE"

# Outside the working directory there is no relative path: human output shows the path as
# typed, JSON in full with `/`, SARIF a file: URI. A UNC path (Wine maps \\backup01\lync to the
# work folder), and another drive.
while IFS='|' read -r typed json_path uri; do
  tl check "$typed" --as-of "$as_of" --format concise,json,sarif \
    --output - --output 'reports\elsewhere.json' --output 'reports\elsewhere.sarif'
  check "$typed: exit 1" exit_is 1
  check "$typed: human path as typed" has "$out" "$typed\\servers.csv:"
  check "$typed: json path" has "$r/elsewhere.json" "\"path\": \"$json_path/servers.csv\""
  check "$typed: sarif uri" has "$r/elsewhere.sarif" "\"uri\": \"$uri/servers.csv\""
done <<'CASES'
\\backup01\lync\deploy\broken|//backup01/lync/deploy/broken|file://backup01/lync/deploy/broken
C:\lync\broken|C:/lync/broken|file:///C:/lync/broken
CASES

# The backup-time topology, named in another case, is not read as a second deployment.
cp "$work/deploy/contoso/topology.xml" "$work/deploy/contoso/backup-topology.xml"
tl check 'deploy\contoso' --backup-topology 'DEPLOY\Contoso\Backup-Topology.XML' --as-of "$as_of"
check "backup topology: exit 0" exit_is 0
check "backup topology: one deployment" has "$out" "Checked 1 topology and 7 worksheets"
check "backup topology: named as typed" has "$out" 'Compared with the backup-time topology DEPLOY\Contoso\Backup-Topology.XML:'
rm "$work/deploy/contoso/backup-topology.xml"

# No output replaces a file the run reads, however its path is spelled: Windows compares names
# without regard to case, and a hard link is the same file (its volume and file index).
topology_sum() { sha256sum "$work/deploy/contoso/topology.xml" | cut -d' ' -f1; }
before=$(topology_sum)
tl check 'deploy\contoso' --as-of "$as_of" --format json --output 'DEPLOY\Contoso\TOPOLOGY.XML'
check "--output over an input in another case: exit 2" exit_is 2
check "--output over an input: said so" has "$err" "would replace \`deploy/contoso/topology.xml\`"
check "--output over an input: the input unchanged" test "$(topology_sum)" = "$before"
tl check 'deploy\contoso' --as-of "$as_of" --write-baseline '.\deploy\CONTOSO\Servers.CSV'
check "--write-baseline over a worksheet: exit 2" exit_is 2
ln "$work/deploy/contoso/topology.xml" "$work/hard-link.xml"
tl check 'deploy\contoso' --as-of "$as_of" --format sarif --output 'hard-link.xml'
check "--output over a hard link to an input: exit 2" exit_is 2
check "--output over a hard link: the input unchanged" test "$(topology_sum)" = "$before"
rm "$work/hard-link.xml"

# plan: the runbook for a failed Back End server.
tl plan --failed sql01.contoso.com 'deploy\contoso' --as-of "$as_of"
check "plan: exit 0" exit_is 0
check "plan: names the server" has "$out" "sql01.contoso.com"
check "plan: restores the databases" has "$out" "Install-CsDatabase"

# worksheet init, into a new folder given with `\`; then the fresh worksheets are a to-do list.
tl worksheet init 'deploy\contoso\topology.xml' --out 'fresh\sheets'
check "worksheet init: exit 0" exit_is 0
for sheet in database file-store settings servers sql-instances certificates backup-runs; do
  check "worksheet init wrote $sheet.csv" test -s "$work/fresh/sheets/$sheet.csv"
done
cp "$work/deploy/contoso/topology.xml" "$work/fresh/sheets/"
tl check 'fresh\sheets' --as-of "$as_of" --format concise
check "fresh worksheets: exit 1" exit_is 1
check "fresh worksheets: blanks reported" has "$out" 'fresh\sheets\servers.csv:'
tl worksheet init 'deploy\contoso\topology.xml' --out 'fresh\sheets'
check "worksheet init refuses to overwrite: exit 2" exit_is 2

# Errors: a missing path is exit 2, named as typed.
tl check 'deploy\missing'
check "missing path: exit 2" exit_is 2
check "missing path: named as typed" has "$err" 'deploy\missing'

# --- the console -----------------------------------------------------------------------------
# Under a pseudo-terminal Wine gives the program a console; `chcp` sets its code page. Human
# output redirected to a file is then read back as the console's code page would read it:
# Unicode frames with UTF-8 (65001), ASCII with a legacy code page (437).
console() {
  # console LINE: runs a cmd.exe line in $work under a pseudo-terminal.
  (cd "$work" && script -qec "$wine cmd /c \"$1\"" /dev/null </dev/null >/dev/null 2>&1) || true
}
exe_win="Z:$(printf '%s' "$harness/bin/topolint.exe" | tr / '\\')"
console "chcp 65001 >nul & $exe_win check deploy\\broken --as-of $as_of > utf8.txt"
check "UTF-8 console: Unicode frames" has "$work/utf8.txt" "╭─[deploy\\broken\\servers.csv:"
console "chcp 437 >nul & $exe_win check deploy\\broken --as-of $as_of > legacy.txt"
check "legacy console: ASCII frames" has "$work/legacy.txt" ",-[deploy\\broken\\servers.csv:"
check "legacy console: no Unicode at all from topolint" py '
import sys
text = open(sys.argv[1], encoding="utf-8").read()
assert text.isascii(), sorted({c for c in text if not c.isascii()})
' "$work/legacy.txt"
check "legacy console: verdict" last_line_is "$work/legacy.txt" "NOT READY FOR RESTORE"
# Without a console at all (a pipe, as a scheduled task has), ASCII too.
tl check 'deploy\broken' --as-of "$as_of"
check "no console: ASCII frames" has "$out" ",-[deploy\\broken\\servers.csv:"

# Colour: only on a terminal that shows it (Wine's console takes virtual-terminal processing),
# never with NO_COLOR, never in a file. Wine's console adds cursor codes of its own, so the test
# looks for the red of an error (`ESC[31m`) and the dim line numbers (`ESC[2m`).
red=$'\033[31m'
dim=$'\033[2m'
colour_run() {
  # colour_run ENV...: the check under a pseudo-terminal, the screen in $out.
  (cd "$work" && env "$@" script -qec "$wine $harness/bin/topolint.exe check deploy\\\\broken --as-of $as_of" /dev/null </dev/null >"$out" 2>&1) || true
}
colour_run TERM=xterm
check "terminal: colour" has "$out" "$red"
check "terminal: dim line numbers" has "$out" "$dim"
check "terminal: the finding" has "$out" "fe02.contoso.com has no replacement server"
colour_run TERM=xterm NO_COLOR=1
check "NO_COLOR: the finding" has "$out" "fe02.contoso.com has no replacement server"
check "NO_COLOR: no colour" lacks "$out" "$red"
check "NO_COLOR: no dim" lacks "$out" "$dim"
tl check 'deploy\broken' --as-of "$as_of" --color always --format human --output 'reports\colour.txt'
check "--color always to a file: exit 1" exit_is 1
check "--color always to a file: the report" has "$r/colour.txt" "fe02.contoso.com has no replacement server"
check "--color always: no colour in a file" lacks "$r/colour.txt" "$red"
tl check 'deploy\broken' --as-of "$as_of" --color always
check "--color always: colour on a pipe" has "$out" "$red"
tl check 'deploy\broken' --as-of "$as_of"
check "a pipe: no colour" lacks "$out" "$red"

echo "windows-smoke: $((SECONDS - start)) s in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
