"""The longest cursor any sort key can need still fits the documented bound.

A title of 200 emoji, CJK characters or quotes made a signed cursor longer than
CURSOR_MAX_LENGTH, and building the page raised: `GET /tasks?sort=title` was a 500.
"""

from typing import Any

import httpx
import pytest
from pydantic_core import to_json

from app.core.pagination import CURSOR_MAX_LENGTH
from app.tasks.constants import TITLE_MAX_LENGTH, TaskSort

TASKS = "/api/v1/tasks"
# Per character: JSON's longest escape (a control character), UTF-8's longest
# form, an escaped quote and backslash, and a 3-byte CJK character.
WORST_TITLE_CHARACTERS = ["\x01", "\U0001f600", '"', "\\", "\u6f22"]
# Longest timestamps a row can hold (microseconds at both ends), and no date.
WORST_DUE_DATES = ["0001-01-01T00:00:00.000001Z", "9999-12-31T23:59:59.999998Z", None]


def test_a_control_character_is_the_longest_json_text_of_any_character() -> None:
    """The premise of the worst case: no code point encodes longer than `\\u0001`."""
    longest = len(to_json("\x01")) - 2
    every = (chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)

    assert longest == len("\\u0001")
    assert max(len(to_json(character)) - 2 for character in every) == longest


def worst_cases() -> list[Any]:
    """Every sort order with the worst values its key can hold."""
    cases = []
    for sort in TaskSort:
        key = sort.removeprefix("-")
        if key == "title":
            cases += [
                pytest.param(
                    sort, {"title": char * TITLE_MAX_LENGTH}, id=f"{sort}-{ord(char):x}"
                )
                for char in WORST_TITLE_CHARACTERS
            ]
        elif key == "due_at":
            cases += [
                pytest.param(sort, {"title": "t", "due_at": due}, id=f"{sort}-{due}")
                for due in WORST_DUE_DATES
            ]
        else:  # created_at: set by the database, always a full timestamp
            cases.append(pytest.param(sort, {"title": "t"}, id=sort))
    return cases


@pytest.mark.parametrize(("sort", "body"), worst_cases())
async def test_the_worst_cursor_of_each_sort_key_fits_and_continues(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sort: TaskSort,
    body: dict[str, object],
) -> None:
    created = [
        await client.post(TASKS, json=body, headers=auth_headers) for _ in range(2)
    ]
    assert [response.status_code for response in created] == [201, 201]

    first = await client.get(
        TASKS, params={"sort": sort, "limit": 1}, headers=auth_headers
    )
    assert first.status_code == 200, first.text
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    assert len(cursor) <= CURSOR_MAX_LENGTH
    second = await client.get(
        TASKS, params={"sort": sort, "limit": 1, "cursor": cursor}, headers=auth_headers
    )

    assert second.status_code == 200, second.text
    ids = {first.json()["items"][0]["id"], second.json()["items"][0]["id"]}
    assert ids == {response.json()["id"] for response in created}
    assert second.json()["next_cursor"] is None
