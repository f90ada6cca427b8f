"""Which peer may say who the client is: the trusted-proxy setting, applied."""

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.core.config import Settings


# --8<-- [start:proxy-headers]
def add_proxy_headers(app: FastAPI, settings: Settings) -> None:
    """Believe X-Forwarded-For only from TRUSTED_PROXIES (none by default)."""
    if not settings.trusted_proxies:
        # The TCP peer is the client. Run uvicorn with --no-proxy-headers, so
        # its own FORWARDED_ALLOW_IPS cannot quietly decide otherwise.
        return
    # uvicorn's middleware reads the header right to left and stops at the
    # first untrusted hop, so a client cannot prepend an address of its choice.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)


# --8<-- [end:proxy-headers]
