#!/usr/bin/env bash
# Try staff sign-in with OIDC by hand: starts the test OpenID Provider (provider.mjs, the one the tests use) under a
# throwaway self-signed certificate, registers the appliance as its client, and runs the appliance on its defaults
# (https://localhost:8443) signing staff in there. Ctrl-C stops both.
#
#   tests/oidc-provider/try.sh [--data DIR]
#
# --data DIR keeps the appliance's data in DIR (kept afterwards); otherwise it lives in the throwaway folder, which is
# removed on exit together with the provider's certificate and the client secret.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
oidc_dir="$repo_root/tests/oidc-provider"
say() { printf '==> %s\n' "$*"; }
die() { printf 'tests/oidc-provider/try.sh: %s\n' "$*" >&2; exit 2; }

data_dir=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) [[ $# -ge 2 ]] || die "--data needs a folder"; data_dir="$2"; shift 2 ;;
        --data=*) data_dir="${1#--data=}"; shift ;;
        -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument $1 (only --data DIR)" ;;
    esac
done

# --- what it needs: node, npm (only to install oidc-provider), openssl; Debian packages only when absent ----------
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
if [[ ! -d "$oidc_dir/node_modules/oidc-provider" ]] && ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH; install the .NET SDK named in global.json"
# shellcheck source=tests/install-packages.sh
source "$repo_root/tests/install-packages.sh"
install_packages "${missing[@]}"
if [[ ! -d "$oidc_dir/node_modules/oidc-provider" ]]; then
    say "npm ci in tests/oidc-provider"
    (cd "$oidc_dir" && npm ci --no-audit --no-fund)
fi

# --- the throwaway folder and the cleanup ----------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/appliance-try-oidc.XXXXXX")"
app_pid=""
idp_pid=""
cleanup() {
    trap - EXIT INT TERM
    set +eu
    if [[ -n "$app_pid" ]] && kill -0 "$app_pid" 2>/dev/null; then
        # dotnet run and the appliance it started are one process group of their own (setsid below).
        kill -TERM -- "-$app_pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-$app_pid" 2>/dev/null || true
    fi
    if [[ -n "$idp_pid" ]]; then
        # (bash unsets IDP_PID once the coproc has ended, e.g. after a Ctrl-C reached it too: hence idp_pid)
        kill -TERM "$idp_pid" 2>/dev/null || true
        wait "$idp_pid" 2>/dev/null || true
    fi
    rm -rf -- "$work"
    say "stopped the appliance and the test IdP; removed $work${data_dir:+ (the data in $data_dir is kept)}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "$data_dir" ]]; then
    data_dir_arg="$work/data"
else
    mkdir -p -- "$data_dir"
    data_dir_arg="$(cd "$data_dir" && pwd)"
fi

# --- the provider: https on 127.0.0.1 under a self-signed certificate (as the tests make theirs) ---------------------
say "making the test IdP's certificate in $work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" -addext "basicConstraints=critical,CA:FALSE" \
    -keyout "$work/idp.key" -out "$work/idp.crt" 2>/dev/null
chmod 600 "$work/idp.key"

say "starting the test IdP (tests/oidc-provider/provider.mjs)"
# Its standard input stays open for as long as this script runs: closing it is the provider's signal to stop.
coproc IDP { cd "$oidc_dir" && OIDC_TLS_CERT="$work/idp.crt" OIDC_TLS_KEY="$work/idp.key" exec node provider.mjs; }
idp_pid="$IDP_PID"
idp_out="${IDP[0]}"
idp_in="${IDP[1]}"

# Reads the provider's standard output until a line starting with $1; prints the rest of that line.
await_line() {
    local line
    while IFS= read -r -t 30 line <&"$idp_out"; do
        if [[ "$line" == "$1"* ]]; then
            printf '%s\n' "${line#"$1"}"
            return 0
        fi
    done
    die "the test IdP did not print \"$1\" within 30 s"
}
issuer="$(await_line "issuer ")"
say "test IdP listening at $issuer"

# --- the appliance as the provider's confidential client -------------------------------------------------------------
client_id="appliance"
secret="$(openssl rand -hex 24)"
(umask 077 && printf '%s\n' "$secret" > "$work/client-secret")
printf '{"client_id":"%s","client_secret":"%s","redirect_uris":["https://localhost:8443/signin-oidc"],"post_logout_redirect_uris":["https://localhost:8443/signin"],"response_types":["code"],"grant_types":["authorization_code"],"token_endpoint_auth_method":"client_secret_post"}\n' \
    "$client_id" "$secret" >&"$idp_in"
registered="$(await_line "client ")"
[[ "$registered" == "$client_id" ]] || die "the test IdP registered client \"$registered\", not \"$client_id\""
say "registered client $client_id (secret in $work/client-secret)"

say "starting the appliance (dotnet run --project appliance/Appliance.Host), data in $data_dir_arg"
setsid dotnet run --project "$repo_root/appliance/Appliance.Host" -- \
    "--Appliance:DataDirectory=$data_dir_arg" \
    --Appliance:Oidc:Enabled=true \
    "--Appliance:Oidc:Authority=$issuer" \
    "--Appliance:Oidc:ClientId=$client_id" \
    "--Appliance:Oidc:ClientSecretFile=$work/client-secret" \
    "--Appliance:Oidc:Scopes=openid profile roles" \
    --Appliance:Oidc:RoleClaim=roles \
    --Appliance:Oidc:RoleMappings:0:Value=security-officers --Appliance:Oidc:RoleMappings:0:Roles:0=SecurityOfficer \
    --Appliance:Oidc:RoleMappings:1:Value=meeting-organisers --Appliance:Oidc:RoleMappings:1:Roles:0=Organiser \
    --Appliance:Oidc:RoleMappings:2:Value=it-operations --Appliance:Oidc:RoleMappings:2:Roles:0=Operator \
    --Appliance:Oidc:RoleMappings:3:Value=internal-audit --Appliance:Oidc:RoleMappings:3:Roles:0=Auditor \
    "--Appliance:Oidc:TrustedCaCertificateFile=$work/idp.crt" \
    "--Appliance:Oidc:OrganisationName=Test IdP" \
    </dev/null &
app_pid=$!

instructions() {
    cat <<EOF

==> The appliance signs staff in at the test IdP ($issuer).
    1. Open https://localhost:8443/admin (accept the self-signed certificate) and click "Sign in with Test IdP".
    2. At the IdP's login form enter the account  officer  (security officer) and keep the prefilled
       acr  urn:appliance:test:loa:high  and  amr  pwd otp : two kinds of factor (or "mfa") count as
       multi-factor; amr "pwd" alone is refused (the appliance requires MFA). Then press "Allow".
    3. You land on the classification policy: change a level, then see the change and its audit entry.
    Other accounts: organiser (Organiser), operator (Operator), auditor (Auditor),
    multi (Organiser and Operator), nobody (no mapped role: refused).
    The local administrator's one-time bootstrap link (https://localhost:8443/setup/...) is printed by the
    appliance above on its first start with an empty data folder.
    Ctrl-C stops the appliance and the test IdP${data_dir:+ (the data in $data_dir is kept)}.

EOF
}

# Tell the person what to do once the appliance answers (the first dotnet run also builds it).
if command -v curl >/dev/null 2>&1; then
    until curl -ksf -o /dev/null https://localhost:8443/healthz; do
        kill -0 "$app_pid" 2>/dev/null || die "the appliance stopped (see its output above; is port 8443 free?)"
        sleep 1
    done
fi
instructions
wait "$app_pid" || die "the appliance stopped (see its output above)"
