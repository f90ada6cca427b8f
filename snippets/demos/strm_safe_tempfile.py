"""Do: temp files in a private directory with generated names, removed on exit."""

# fmt: off
# --8<-- [start:demo]
import tempfile
from pathlib import Path


def convert_upload(data: bytes) -> int:
    # mkdtemp-style directory: mode 0700, unique name, deleted with its content
    # when the block ends, also when the conversion raises.
    with tempfile.TemporaryDirectory(prefix="tasks-import-") as workdir:
        source = Path(workdir) / "upload.bin"  # our name, never the client's
        source.write_bytes(data)
        print(oct(Path(workdir).stat().st_mode & 0o777))
        #> 0o700
        size = source.stat().st_size
    print(source.exists())
    #> False
    return size


convert_upload(b"id,title\n1,Write the spec\n")
# --8<-- [end:demo]
# fmt: on
