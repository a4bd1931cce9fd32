#!/bin/sh
# Prints an OAuth 2 access token for Microsoft 365 app-only IMAP (the client-credentials grant
# for https://outlook.office365.com/.default) on stdout, for regintake's
#   imap.oauth2_token_command = "/usr/local/lib/regintake/m365-token.sh /etc/regintake/m365.conf"
# Such a token lasts an hour and the grant gives no refresh token, so regintake runs this for
# every connection and reconnection: each run asks the token endpoint for a fresh one.
# Set-up (the Entra app, IMAP.AccessAsApp, the service principal, the mailbox permission):
# docs/microsoft365.md.
#
# Usage: m365-token.sh SETTINGS_FILE
#
# SETTINGS_FILE holds KEY=value lines (no secret: it may be world-readable; # starts a comment):
#   TENANT_ID=...           the directory (tenant) ID
#   CLIENT_ID=...           the application (client) ID of the app registration
#   CLIENT_SECRET_FILE=...  file holding the client secret (root or the service user only, 0600);
#                           default: $CREDENTIALS_DIRECTORY/m365-client-secret under systemd
#                           (LoadCredential=m365-client-secret:...), else
#                           /etc/regintake/m365-client-secret
#   TOKEN_URL=...           optional: the token endpoint; default
#                           https://login.microsoftonline.com/$TENANT_ID/oauth2/v2.0/token
#                           (plain http is accepted only to this machine, for tests)
#   SCOPE=...               optional; default https://outlook.office365.com/.default
#
# Exit status: 0 token printed; 2 settings missing or wrong; 3 the token endpoint could not be
# reached; 4 the endpoint refused (wrong tenant, client ID or secret, or no admin consent: its
# error is on stderr); 5 its answer held no token.
# The secret never reaches a command line (curl reads it from stdin) and is never printed.
set -u

die() {
    code=$1
    shift
    printf 'm365-token.sh: %s\n' "$*" >&2
    exit "$code"
}

[ $# -eq 1 ] || die 2 "usage: m365-token.sh SETTINGS_FILE"
settings=$1
[ -r "$settings" ] || die 2 "cannot read the settings file $settings"

TENANT_ID=
CLIENT_ID=
CLIENT_SECRET_FILE=
TOKEN_URL=
SCOPE=https://outlook.office365.com/.default
# KEY=value lines, read as data (never run as shell code).
while IFS= read -r line || [ -n "$line" ]; do
    line=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
    case $line in
        '' | '#'*) continue ;;
    esac
    key=${line%%=*}
    value=${line#*=}
    [ "$key" != "$line" ] || die 2 "$settings: not KEY=value: $key"
    value=$(printf '%s' "$value" | sed 's/^[[:space:]]*//; s/^"\(.*\)"$/\1/')
    case $key in
        TENANT_ID) TENANT_ID=$value ;;
        CLIENT_ID) CLIENT_ID=$value ;;
        CLIENT_SECRET_FILE) CLIENT_SECRET_FILE=$value ;;
        TOKEN_URL) TOKEN_URL=$value ;;
        SCOPE) SCOPE=$value ;;
        *) die 2 "$settings: unknown key $key" ;;
    esac
done < "$settings"

[ -n "$TENANT_ID" ] || die 2 "$settings: TENANT_ID is not set"
[ -n "$CLIENT_ID" ] || die 2 "$settings: CLIENT_ID is not set"
if [ -z "$CLIENT_SECRET_FILE" ]; then
    if [ -n "${CREDENTIALS_DIRECTORY:-}" ]; then
        CLIENT_SECRET_FILE=$CREDENTIALS_DIRECTORY/m365-client-secret
    else
        CLIENT_SECRET_FILE=/etc/regintake/m365-client-secret
    fi
fi
[ -r "$CLIENT_SECRET_FILE" ] || die 2 "cannot read the client secret file $CLIENT_SECRET_FILE"
[ -n "$TOKEN_URL" ] || TOKEN_URL="https://login.microsoftonline.com/$TENANT_ID/oauth2/v2.0/token"
case $TOKEN_URL in
    https://*) protocols='=https' ;;
    http://127.0.0.1[:/]* | http://localhost[:/]* | 'http://[::1]'[:/]*) protocols='=http' ;;
    *) die 2 "TOKEN_URL must be https:// (plain http only to this machine): $TOKEN_URL" ;;
esac
command -v curl >/dev/null 2>&1 || die 2 "curl is not installed (apt-get install curl)"

# The secret goes to curl on stdin, URL-encoded by curl; the answer and the HTTP status come
# back on stdout, the status on the last line.
answer=$(tr -d '\r\n' < "$CLIENT_SECRET_FILE" | curl --silent --show-error \
    --proto "$protocols" --max-time 30 --retry 2 --retry-connrefused \
    --data-urlencode 'client_secret@-' \
    --data-urlencode "client_id=$CLIENT_ID" \
    --data-urlencode 'grant_type=client_credentials' \
    --data-urlencode "scope=$SCOPE" \
    --write-out '\n%{http_code}' \
    "$TOKEN_URL") || die 3 "cannot reach the token endpoint $TOKEN_URL"
status=$(printf '%s\n' "$answer" | tail -n 1)
body=$(printf '%s\n' "$answer" | sed '$d' | tr -d '\r\n')

# One JSON string member of the answer (a token is base64url and dots: no quote in it).
member() {
    printf '%s' "$body" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"
}

case $status in
    2??) ;;
    4??) die 4 "the token endpoint refused (HTTP $status): $(member error): $(member error_description | head -c 300)" ;;
    *) die 3 "the token endpoint answered HTTP $status" ;;
esac
token=$(member access_token)
[ -n "$token" ] || die 5 "the token endpoint's answer holds no access_token"
printf '%s\n' "$token"
