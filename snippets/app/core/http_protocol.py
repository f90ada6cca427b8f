"""uvicorn's HTTP/1.1 protocol, with a kernel send queue that tracks the client."""

import asyncio
import functools
import logging
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

# Unsent bytes the kernel may hold per connection. Without a cap its send
# buffer grows to megabytes and it wakes a blocked writer only once a third
# of that has drained: at 20 KB/s that is a minute in which no `send` of a
# streamed body completes, and the export's send timeout cuts off a client
# that never stopped reading. Capped (and asyncio's own buffer too, 64 KiB by
# default), a send completes about every slice (16 KiB) the client reads.
NOTSENT_LOWAT_BYTES = 4 * 1024
WRITE_BUFFER_HIGH_BYTES = 4 * 1024
_TCP = (socket.AF_INET, socket.AF_INET6)
logger = logging.getLogger(__name__)


@functools.cache
def _warn_once() -> None:
    logger.warning("TCP_NOTSENT_LOWAT refused; slow links may be cut off")


class TrackingH11Protocol(H11Protocol):
    """Run with `uvicorn --http app.core.http_protocol:TrackingH11Protocol`."""

    IMPORT_PATH = "app.core.http_protocol:TrackingH11Protocol"  # for `--http`

    def connection_made(  # type: ignore[override]  # uvicorn's own signature
        self, transport: asyncio.Transport
    ) -> None:
        sock = transport.get_extra_info("socket")
        lowat = getattr(socket, "TCP_NOTSENT_LOWAT", None)  # Linux and macOS
        if lowat is not None and sock is not None and sock.family in _TCP:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, lowat, NOTSENT_LOWAT_BYTES)
            except OSError:  # a stack without it: serve anyway, as stock uvicorn
                _warn_once()
        transport.set_write_buffer_limits(high=WRITE_BUFFER_HIGH_BYTES, low=0)
        super().connection_made(transport)
