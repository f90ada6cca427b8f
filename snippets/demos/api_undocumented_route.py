"""Anti-pattern: a create route without status, model or docs; OpenAPI guesses."""

# fmt: off
# --8<-- [start:demo]
from fastapi import FastAPI
from pydantic import BaseModel


class ProfileCreate(BaseModel):
    username: str


app = FastAPI()


@app.post("/profiles")
async def create_profile(payload: ProfileCreate) -> dict[str, object]:
    return {"username": payload.username}


operation = app.openapi()["paths"]["/profiles"]["post"]
print(operation["summary"], list(operation["responses"]))
#> Create Profile ['200', '422']
print(operation["responses"]["200"]["description"])
#> Successful Response
# --8<-- [end:demo]
# fmt: on
