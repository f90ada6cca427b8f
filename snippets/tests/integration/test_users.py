"""Registration, the profile and the admin-only user list."""

import httpx
import pytest

from tests.factories import RecordingMailSender, UserCreateFactory

USERS = "/api/v1/users"


async def test_register_returns_the_account_and_sends_a_welcome_mail(
    client: httpx.AsyncClient, mail_sender: RecordingMailSender
) -> None:
    """201 with the account (never the password), then a mail in the background."""
    data = UserCreateFactory.build(email="Ada@Example.com")

    response = await client.post(USERS, json=data.model_dump(mode="json"))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "ada@example.com"  # normalized
    assert body["role"] == "user"
    assert body["created_at"].endswith("Z")
    assert "password" not in body
    assert "password_hash" not in body
    assert mail_sender.sent == [("ada@example.com", "Welcome")]


async def test_failed_mail_does_not_fail_registration(
    client: httpx.AsyncClient, mail_sender: RecordingMailSender
) -> None:
    """The mail is best effort: the account exists even if delivery fails."""
    mail_sender.fail = True
    data = UserCreateFactory.build()

    response = await client.post(USERS, json=data.model_dump(mode="json"))

    assert response.status_code == 201, response.text
    assert mail_sender.sent == []


async def test_duplicate_email_is_409(client: httpx.AsyncClient) -> None:
    """One account per mailbox, whatever the casing."""
    data = UserCreateFactory.build(email="dup@example.com").model_dump(mode="json")
    assert (await client.post(USERS, json=data)).status_code == 201

    response = await client.post(USERS, json=data | {"email": "DUP@example.com"})

    assert response.status_code == 409, response.text
    assert response.json()["code"] == "email-taken"


@pytest.mark.parametrize(
    "password", ["Short-1", "alllowercaseletters", "NoDigitsOrSymbolsHere"]
)
async def test_weak_password_is_422_without_echoing_it(
    client: httpx.AsyncClient, password: str
) -> None:
    """The error names the field, never repeats the password."""
    data = UserCreateFactory.build().model_dump(mode="json") | {"password": password}

    response = await client.post(USERS, json=data)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "password"]
    assert password not in response.text


async def test_me_returns_own_account(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    response = await client.get(f"{USERS}/me", headers=auth_headers)

    assert response.status_code == 200, response.text
    assert set(response.json()) == {"id", "email", "display_name", "role", "created_at"}


async def test_user_list_is_admin_only(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    admin_headers: dict[str, str],
) -> None:
    """A user gets 403; an admin gets a capped page of every account."""
    forbidden = await client.get(USERS, headers=auth_headers)
    page = await client.get(USERS, params={"limit": 1}, headers=admin_headers)
    too_big = await client.get(USERS, params={"limit": 101}, headers=admin_headers)

    assert forbidden.status_code == 403, forbidden.text
    assert forbidden.json()["code"] == "forbidden"
    assert page.status_code == 200, page.text
    assert len(page.json()["items"]) == 1
    assert page.json()["limit"] == 1
    assert too_big.status_code == 422
