"""Anti-pattern: a personal response marked `public`, so shared caches may serve it."""

from fastapi import APIRouter, Response

router = APIRouter()


# --8<-- [start:demo]
@router.get("/me")
async def read_me(response: Response) -> dict[str, str]:
    # A CDN or corporate proxy may now store Ada's profile and hand it to Bob.
    response.headers["Cache-Control"] = "public, max-age=3600"
    return {"email": "ada@example.com"}


# --8<-- [end:demo]
