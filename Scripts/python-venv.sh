#!/usr/bin/env bash
# Creates .build/python-venv with the providers' official Python SDKs, which
# the channel interoperability tests sign and parse with, and schemathesis,
# which exercises the caseworker API against its OpenAPI document. Idempotent: does
# nothing when the environment already imports them. Tests that need it are
# skipped with a message when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/python-venv
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import twilio, linebot.v3, vonage_http_client, schemathesis" 2>/dev/null; then
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 is not installed; the SDK interoperability tests will be skipped." >&2
    exit 0
fi
mkdir -p .build
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q twilio line-bot-sdk vonage schemathesis
