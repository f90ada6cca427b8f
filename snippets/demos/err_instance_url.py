"""Anti-pattern: `instance` built from str(request.url) copies the query string out."""

# fmt: off
# --8<-- [start:demo]
from starlette.requests import Request
from starlette.types import Scope

scope: Scope = {
    "type": "http",
    "method": "GET",
    "scheme": "https",
    "server": ("api.example.com", 443),
    "path": "/api/v1/tasks/42",
    "query_string": b"access_token=eyJhbGciOiJIUzI1NiJ9",
    "headers": [],
}
request = Request(scope)

print(str(request.url))  # the original's `instance`: logged, cached, shown to users
#> https://api.example.com/api/v1/tasks/42?access_token=eyJhbGciOiJIUzI1NiJ9
print(request.url.path)  # what the example service puts there
#> /api/v1/tasks/42
# --8<-- [end:demo]
# fmt: on
