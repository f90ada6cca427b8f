"""Don't: a temp path built from the client's file name escapes the directory."""

# fmt: off
# --8<-- [start:demo]
import os.path
from pathlib import PurePosixPath

UPLOAD_DIR = PurePosixPath("/tmp/uploads")  # noqa: S108  # the anti-pattern shown


def upload_path(client_filename: str) -> PurePosixPath:
    return UPLOAD_DIR / client_filename  # trusts the name the client sent


# A multipart part may carry any file name; the OS resolves the "..".
target = upload_path("../../etc/cron.d/backdoor")
print(os.path.normpath(target))
#> /etc/cron.d/backdoor
# --8<-- [end:demo]
# fmt: on
