#!/usr/bin/env bash
# Runs every test of the appliance: the one command for a fresh Debian 12 machine and for CI.
#
#   tests/run.sh                       build once, run all tests
#   tests/run.sh 'FullyQualifiedName~Lobby'   pass a filter through to `dotnet test --filter`
#
# Installs the Debian packages the browser and load-generator tests need (only those absent) and the npm packages of the
# browser tests and of the test OpenID Provider (npm ci, when node_modules is missing), builds Appliance.sln
# in Release once, runs its tests, and ends with one line: "N passed, N failed[, N skipped]".
# Exits non-zero if any test failed, if the run broke, or if no test ran at all.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

filter="${1:-}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The browser tests drive Debian's Chromium; Playwright must never try to fetch its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export APPLIANCE_CHROMIUM="${APPLIANCE_CHROMIUM:-/usr/bin/chromium}"

say() { printf '==> %s\n' "$*"; }
die() { printf 'tests/run.sh: %s\n' "$*" >&2; exit 2; }

# --- Debian packages ----------------------------------------------------------------------------
# chromium pulls in its shared libraries as hard dependencies; with --no-install-recommends the
# fonts must be asked for, or pages render without glyphs. janus is the reference SFU of the load
# generator's smoke test (tests/Appliance.LoadGen.Tests).
required_packages=(chromium fonts-liberation janus)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for package in "${required_packages[@]}"; do
    is_installed "$package" || missing+=("$package")
done
# The TRX summary below is computed with python3; only install it when no python3 is on PATH.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# The accessibility tests inject axe-core, an npm package locked in tests/Appliance.BrowserTests; npm is needed only
# while it is not installed there yet.
axe_dir="$repo_root/tests/Appliance.BrowserTests/node_modules/axe-core"
# The host's OIDC tests and the browser's OIDC officer journey start a real OpenID Provider, the npm package
# oidc-provider locked in tests/oidc-provider; node runs it, so nodejs is needed whenever node is not on PATH, npm only
# while it is not installed there yet.
oidc_dir="$repo_root/tests/oidc-provider/node_modules/oidc-provider"
command -v node >/dev/null 2>&1 || missing+=(nodejs)
if [[ ! -d "$axe_dir" || ! -d "$oidc_dir" ]] && ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi

if ((${#missing[@]} > 0)); then
    command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get to install them"
    if ((EUID == 0)); then
        as_root=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo -n)
    elif command -v sudo >/dev/null 2>&1 && [[ -t 0 ]]; then
        as_root=(sudo)
    else
        die "packages ${missing[*]} must be installed, but this is not root and sudo is not available. Run as root, or install them first: apt-get install --no-install-recommends ${missing[*]}"
    fi
    say "installing ${missing[*]}"
    "${as_root[@]}" apt-get update
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"
fi

[[ -x "$APPLIANCE_CHROMIUM" ]] || die "Chromium not found at $APPLIANCE_CHROMIUM"
command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (see global.json) is not on PATH; Debian does not package it, install it from Microsoft"

# --- npm packages of the browser tests ----------------------------------------------------------
if [[ ! -d "$axe_dir" ]]; then
    command -v npm >/dev/null 2>&1 || die "npm is not on PATH; install the Debian packages nodejs and npm"
    say "npm ci in tests/Appliance.BrowserTests"
    (cd "$repo_root/tests/Appliance.BrowserTests" && npm ci --no-audit --no-fund)
fi
if [[ ! -d "$oidc_dir" ]]; then
    command -v npm >/dev/null 2>&1 || die "npm is not on PATH; install the Debian packages nodejs and npm"
    say "npm ci in tests/oidc-provider"
    (cd "$repo_root/tests/oidc-provider" && npm ci --no-audit --no-fund)
fi

# --- Build once, then test ----------------------------------------------------------------------
results_dir="$repo_root/TestResults"
rm -rf "$results_dir"
mkdir -p "$results_dir"

say "dotnet build Appliance.sln -c Release"
dotnet build Appliance.sln -c Release

test_args=(
    test Appliance.sln -c Release --no-build
    --logger "console;verbosity=normal"
    --logger trx
    --results-directory "$results_dir"
    # A hung test host must not eat the CI budget: kill it, and its tests count as failed.
    --blame-hang-timeout 10m --blame-hang-dump-type none
)
[[ -n "$filter" ]] && test_args+=(--filter "$filter")

say "dotnet ${test_args[*]}"
test_status=0
dotnet "${test_args[@]}" || test_status=$?

# --- Summary from the TRX files -----------------------------------------------------------------
summary_status=0
python3 - "$results_dir" "$test_status" <<'PY' || summary_status=$?
import pathlib
import sys
import xml.etree.ElementTree as ET

results_dir, test_status = pathlib.Path(sys.argv[1]), int(sys.argv[2])
passed = failed = skipped = 0
failures = []
files = sorted(results_dir.rglob("*.trx"))
for trx in files:
    root = ET.parse(trx).getroot()
    # Name every failed test with the first lines of its message, so that the tail of a CI log says what broke.
    for result in root.iter("{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}UnitTestResult"):
        if result.get("outcome") in ("Failed", "Error", "Timeout", "Aborted"):
            message = result.find(".//{*}ErrorInfo/{*}Message")
            text = (message.text or "").strip() if message is not None else ""
            failures.append((result.get("testName", "?"), text.splitlines()[:3]))
    counters = root.find(".//{*}ResultSummary/{*}Counters")
    if counters is None:
        print(f"tests/run.sh: no <Counters> in {trx}", file=sys.stderr)
        failed += 1
        continue
    count = lambda name: int(counters.get(name, "0"))
    passed += count("passed")
    # Errors, time-outs and aborted runs are failures too, not silence.
    failed += count("failed") + count("error") + count("timeout") + count("aborted")
    # Ignored tests appear as results with outcome NotExecuted, yet the notExecuted counter stays 0:
    # whatever is counted in total but neither passed nor failed was skipped.
    skipped += max(0, count("total") - count("passed") - count("failed") - count("error")
                   - count("timeout") - count("aborted"))

for name, lines in failures:
    print(f"FAILED {name}")
    for text in lines:
        print(f"    {text[:300]}")
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)

if failed:
    sys.exit(1)
if passed + failed == 0:
    print("tests/run.sh: no test ran", file=sys.stderr)
    sys.exit(1)
if test_status != 0:
    print(f"tests/run.sh: dotnet test exited with {test_status}", file=sys.stderr)
    sys.exit(1)
PY
exit "$summary_status"
