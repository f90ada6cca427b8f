#!/usr/bin/env bash
# A tour of the API with curl, against `make run`. Needs only curl and python3.
# --8<-- [start:walkthrough]
set -euo pipefail

BASE_URL="${BASE_URL:-http://127.0.0.1:8001}"
API="$BASE_URL/api/v1"
EMAIL="reader-$(date +%s)-$$@example.com" # a new account on every run
PASSWORD="Walkthrough-2025"               # 12+ characters, 3 character classes
BODY="$(mktemp)"
trap 'rm -f "$BODY"' EXIT

# call METHOD PATH [curl options...]: prints the HTTP status, keeps the body.
call() {
  local method="$1" path="$2"
  shift 2
  curl --fail-with-body -sS --max-time 10 -o "$BODY" -w '%{http_code}' \
    -X "$method" "$API$path" "$@" || {
    echo " <- $method $path failed: $(cat "$BODY")" >&2
    return 1
  }
}

# field EXPRESSION: a value from the last JSON body, e.g. field 'body["id"]'.
field() {
  python3 -c "import json, sys; body = json.load(sys.stdin); print($1)" <"$BODY"
}

status=$(call POST /users -H "Content-Type: application/json" -d "{
  \"email\": \"$EMAIL\", \"password\": \"$PASSWORD\", \"display_name\": \"Reader\"
}")
# 202 whether or not the address had an account: registration tells no one.
echo "register     $status detail=$(field 'body["detail"]')"

# OAuth2 password flow: a form, with the email as the username.
status=$(call POST /auth/token \
  --data-urlencode "username=$EMAIL" --data-urlencode "password=$PASSWORD")
TOKEN=$(field 'body["access_token"]')
echo "log in       $status token_type=$(field 'body["token_type"]')"
AUTH=(-H "Authorization: Bearer $TOKEN")

status=$(call GET /users/me "${AUTH[@]}")
echo "who am I     $status email=$(field 'body["email"]')"

# Money is a decimal string plus an ISO 4217 currency, never a float.
status=$(call POST /tasks "${AUTH[@]}" -H "Content-Type: application/json" -d '{
  "title": "Read the guideline", "budget": {"amount": "12.50", "currency": "EUR"}
}')
TASK_ID=$(field 'body["id"]')
echo "create task  $status budget=$(field 'body["budget"]["amount"]')"

status=$(call GET "/tasks?limit=10" "${AUTH[@]}")
echo "list tasks   $status items=$(field 'len(body["items"])')"

status=$(call GET "/tasks/$TASK_ID" "${AUTH[@]}")
echo "get task     $status title=$(field 'body["title"]')"

# PATCH changes only the fields sent.
status=$(call PATCH "/tasks/$TASK_ID" "${AUTH[@]}" \
  -H "Content-Type: application/json" -d '{"status": "done"}')
echo "update task  $status status=$(field 'body["status"]')"

status=$(call DELETE "/tasks/$TASK_ID" "${AUTH[@]}")
echo "delete task  $status"

# Errors are RFC 9457 problem details; curl without --fail shows the body.
status=$(curl -sS --max-time 10 -o "$BODY" -w '%{http_code}' \
  "$API/tasks/$TASK_ID" "${AUTH[@]}")
echo "get deleted  $status code=$(field 'body["code"]')"
# --8<-- [end:walkthrough]
