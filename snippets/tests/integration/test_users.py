"""Registration, the profile and the admin-only user list."""

import httpx
import pytest

from app.core.config import Settings
from tests.factories import RecordingMailSender, UserCreateFactory

USERS = "/api/v1/users"
REGISTRATION_DETAIL = "Registration received: a mail is on its way to the address."


async def test_registration_is_accepted_and_a_welcome_mail_sent(
    client: httpx.AsyncClient, mail_sender: RecordingMailSender
) -> None:
    """202 with no account data in it; the mail goes out in the background."""
    data = UserCreateFactory.build(email="Ada@Example.com")

    response = await client.post(USERS, json=data.model_dump(mode="json"))
    signed_in = await client.post(
        "/api/v1/auth/token",
        data={"username": "ada@example.com", "password": data.password},
    )

    assert response.status_code == 202, response.text
    assert response.json() == {"detail": REGISTRATION_DETAIL}
    assert mail_sender.sent == [("ada@example.com", "Welcome")]  # normalized
    assert signed_in.status_code == 200, signed_in.text


async def test_a_taken_address_gets_the_same_answer_and_its_owner_a_mail(
    client: httpx.AsyncClient, mail_sender: RecordingMailSender
) -> None:
    """Nobody learns from registration which addresses have an account."""
    data = UserCreateFactory.build(email="dup@example.com").model_dump(mode="json")
    first = await client.post(USERS, json=data)
    again = await client.post(
        USERS,
        json=data | {"email": "DUP@example.com", "password": "Another-pass-1234"},
    )
    owner = await client.post(
        "/api/v1/auth/token",
        data={"username": "dup@example.com", "password": data["password"]},
    )

    assert first.status_code == again.status_code == 202, again.text
    assert first.json() == again.json()
    assert sorted(first.headers) == sorted(again.headers)
    assert mail_sender.sent == [
        ("dup@example.com", "Welcome"),
        ("dup@example.com", "Someone tried to register with your address"),
    ]
    assert owner.status_code == 200, owner.text  # the account is untouched


async def test_one_address_gets_a_bounded_number_of_mails(
    client: httpx.AsyncClient, mail_sender: RecordingMailSender, settings: Settings
) -> None:
    """Registering a stranger's address again and again (from many client addresses,
    each under its own limit) cannot flood that inbox: beyond the share of mails per
    recipient, the answer is the same 202 and no mail goes out."""
    victim = UserCreateFactory.build(email="victim@example.com").model_dump(mode="json")
    share = settings.registration_mails_per_recipient
    answers = [(await client.post(USERS, json=victim)) for _ in range(share + 3)]
    other = UserCreateFactory.build().model_dump(mode="json")
    elsewhere = await client.post(USERS, json=other)

    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1  # over the share looks the same
    assert [to for to, _ in mail_sender.sent] == ["victim@example.com"] * share + [
        other["email"]
    ]
    assert elsewhere.status_code == 202  # another address has its own share


async def test_failed_mail_does_not_fail_registration(
    client: httpx.AsyncClient, mail_sender: RecordingMailSender
) -> None:
    """The mail is best effort: the account exists even if delivery fails."""
    mail_sender.fail = True
    data = UserCreateFactory.build()

    response = await client.post(USERS, json=data.model_dump(mode="json"))
    signed_in = await client.post(
        "/api/v1/auth/token", data={"username": data.email, "password": data.password}
    )

    assert response.status_code == 202, response.text
    assert mail_sender.sent == []
    assert signed_in.status_code == 200, signed_in.text


@pytest.mark.parametrize(
    "password",
    [
        "Short-pass-1",
        "abababababababababab",
        "grace.hopper-1906-1992",
        "I am Grace Hopper",
    ],
)
async def test_weak_password_is_422_without_echoing_it(
    client: httpx.AsyncClient, password: str
) -> None:
    """Too short, repetitive, or the account's own words: the error names the field,
    never repeats the password."""
    account = {"email": "grace.hopper@example.com", "display_name": "Grace Hopper"}
    data = UserCreateFactory.build().model_dump(mode="json") | account
    data["password"] = password

    response = await client.post(USERS, json=data)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "password"]
    assert password not in response.text


async def test_me_returns_own_account(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """The profile, never stored by a shared or a browser cache."""
    response = await client.get(f"{USERS}/me", headers=auth_headers)

    assert response.status_code == 200, response.text
    assert set(response.json()) == {"id", "email", "display_name", "role", "created_at"}
    assert response.headers["cache-control"] == "no-store"


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


async def test_the_user_list_pages_on_to_the_last_account(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    other_auth_headers: dict[str, str],
    admin_headers: dict[str, str],
) -> None:
    """Three accounts, one a page: next_cursor leads through all, then is null."""
    pages = [await client.get(USERS, params={"limit": 1}, headers=admin_headers)]
    while (cursor := pages[-1].json()["next_cursor"]) is not None and len(pages) < 5:
        params = {"limit": 1, "cursor": cursor}
        pages.append(await client.get(USERS, params=params, headers=admin_headers))
    forged = await client.get(
        USERS, params={"limit": 1, "cursor": "eyJ4Ijoxfq.bad"}, headers=admin_headers
    )

    assert [page.status_code for page in pages] == [200, 200, 200]
    ids = [item["id"] for page in pages for item in page.json()["items"]]
    assert len(set(ids)) == 3  # every account once, none twice
    assert pages[-1].json()["next_cursor"] is None
    assert forged.status_code == 400
    assert forged.json()["code"] == "invalid-cursor"
