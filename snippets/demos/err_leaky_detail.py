"""Anti-pattern: putting str(exc) in the response sends internals and secrets out."""

# fmt: off
# --8<-- [start:demo]

def connect() -> None:
    raise ConnectionError("connect to postgresql://tasks:s3cr3t@10.0.3.7:5432 failed")


def problem_for(exc: Exception) -> dict[str, object]:
    return {"title": "Internal Server Error", "status": 500, "detail": str(exc)}


try:
    connect()
except ConnectionError as exc:
    print(problem_for(exc)["detail"])  # the DSN, password and internal address
    #> connect to postgresql://tasks:s3cr3t@10.0.3.7:5432 failed
# --8<-- [end:demo]
# fmt: on
