# From the service's folder: static checks, then the app and its models.
fastapi-guideline audit . --app app.main:create_app
# For CI: SARIF for code scanning, JSON for anything else.
fastapi-guideline audit . --format sarif --output audit.sarif
# One area, or everything but one rule.
fastapi-guideline audit . --select ERR --select SEC
fastapi-guideline audit . --ignore PERF-002
# Every check and the rules it enforces.
fastapi-guideline checks
