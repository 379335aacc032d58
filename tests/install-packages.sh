# Sourced by tests/bench.sh and tests/oidc-provider/try.sh (the caller defines say and die): installs the Debian
# packages named, as root or with sudo -n, and stops naming them when it cannot. Nothing to do without arguments.
install_packages() {
    (($# > 0)) || return 0
    command -v apt-get >/dev/null 2>&1 || die "missing packages ($*) and no apt-get to install them"
    local as_root=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            as_root=(sudo -n)
        else
            die "packages $* must be installed, but this is not root and sudo -n is not available: apt-get install --no-install-recommends $*"
        fi
    fi
    say "installing $*"
    "${as_root[@]}" apt-get update
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}
