"""Sign-in is throttled the same way through REST, GraphQL and the admin site: past five attempts
a minute for one account, even the right password is refused."""

from typing import Any

import pytest
from django.test import Client

from campaign.models import User
from tests.campaign.test_auth_api import error_of, post

pytestmark = pytest.mark.django_db

ROOT_EMAIL = "root@example.com"
ROOT_PASSWORD = "root-password"
THROTTLED = "Too many attempts; try again in"


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser(ROOT_EMAIL, ROOT_PASSWORD)


def admin_login(client: Client, password: str) -> Any:
    return client.post(
        "/admin/login/", {"username": ROOT_EMAIL, "password": password, "next": "/admin/"}
    )


def form_errors(response: Any) -> list[str]:
    return list(response.context["form"].non_field_errors())


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_admin_password_is_refused_after_six_wrong_ones(
    client: Client, superuser: User
) -> None:
    for _ in range(5):
        wrong = admin_login(client, "guess")
        assert wrong.status_code == 200
        assert "Please enter the correct email" in form_errors(wrong)[0]
    sixth = admin_login(client, "guess")

    right = admin_login(client, ROOT_PASSWORD)

    for throttled in (sixth, right):
        assert throttled.status_code == 200
        [message] = form_errors(throttled)
        assert message.startswith(THROTTLED)
    assert not signed_in(client)


def test_failed_rest_logins_throttle_the_admin_form(client: Client, superuser: User) -> None:
    for _ in range(5):
        assert post(client, "login", {"email": ROOT_EMAIL, "password": "guess"}).status_code == 401

    # The e-mail is normalised before counting, as REST and GraphQL do.
    response = client.post(
        "/admin/login/", {"username": " ROOT@example.com", "password": ROOT_PASSWORD}
    )

    [message] = form_errors(response)
    assert message.startswith(THROTTLED)
    assert not signed_in(client)


def test_failed_admin_logins_throttle_rest_login(client: Client, superuser: User) -> None:
    for _ in range(5):
        admin_login(client, "guess")

    response = post(client, "login", {"email": ROOT_EMAIL, "password": ROOT_PASSWORD})

    assert response.status_code == 429
    assert error_of(response)["code"] == "RATE_LIMITED"
