#!/usr/bin/env bash
# The load benchmark: the appliance and Janus (Debian's janus, VideoRoom) under the same generator, trace and SRTP
# profile, one after the other; W1–W4 with GCM, then with AES-CM. Writes tests/Appliance.LoadGen/results/RESULTS.md,
# chart.png (gnuplot) and results.json. About 20 minutes on a 2-core machine; needs the machine to itself.
#
#   tests/bench.sh                  the full benchmark
#   tests/bench.sh --quick          a pipeline check with tiny workloads (its figures mean nothing)
#   tests/bench.sh --workloads W2 --profiles gcm --runs 1    any option of `Appliance.LoadGen bench` passes through
#
# The SFU runs on the last core (taskset), the generator on core 0; on two cores the generator shares core 0 with
# the rest of the system. Installs janus, gnuplot-nox and util-linux (taskset) when missing, as root or with sudo -n.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '==> %s\n' "$*"; }
die() { printf 'tests/bench.sh: %s\n' "$*" >&2; exit 2; }

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for package in janus gnuplot-nox; do
    is_installed "$package" || missing+=("$package")
done
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
# shellcheck source=tests/install-packages.sh
source "$repo_root/tests/install-packages.sh"
install_packages "${missing[@]}"
command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (see global.json) is not on PATH"

cores="$(nproc)"
((cores >= 2)) || die "the benchmark pins the SFU and the generator to different cores; this machine has $cores"
sfu_core=$((cores - 1))

say "dotnet build tests/Appliance.LoadGen -c Release"
dotnet build tests/Appliance.LoadGen/Appliance.LoadGen.csproj -c Release

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD 2>/dev/null; then
    commit="$commit+changes"
fi

say "benchmark (SFU on core $sfu_core, generator on core 0)"
exec taskset -c 0 dotnet tests/Appliance.LoadGen/bin/Release/net10.0/Appliance.LoadGen.dll bench \
    --sfu-cpus "$sfu_core" --commit "$commit" --command "tests/bench.sh${*:+ $*}" "$@"
