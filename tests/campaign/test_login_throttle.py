"""Sign-in is throttled the same way through REST, GraphQL and the admin site, with or without
Redis: past five attempts a minute for one account, even the right password is refused."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from campaign.auth import rate_limit, sessions
from campaign.auth.rate_limit import process_counters
from campaign.models import User
from kernel.errors import AuthenticationError
from tests.campaign.test_auth_api import error_of, post
from tests.conftest import Personas

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


@pytest.fixture
def dead_redis_cache(settings: Any) -> Iterator[None]:
    # Nothing listens on port 1: Redis is down, as django-redis sees it with IGNORE_EXCEPTIONS.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    process_counters.clear()
    yield
    process_counters.clear()


def test_login_is_throttled_per_process_while_redis_is_down(
    client: Client, superuser: User, dead_redis_cache: None
) -> None:
    def attempt(password: str) -> Any:
        return post(client, "login", {"email": ROOT_EMAIL, "password": password})

    # Redis being down locks nobody out...
    assert attempt(ROOT_PASSWORD).status_code == 200
    for _ in range(4):
        assert attempt("guess").status_code == 401

    # ...nor lets guessing go on: the sixth attempt is refused, right password or not.
    throttled = attempt(ROOT_PASSWORD)

    assert throttled.status_code == 429
    assert error_of(throttled)["code"] == "RATE_LIMITED"
    assert 1 <= int(throttled["Retry-After"]) <= 60


HERE = sessions.Client("10.0.0.1")


def test_login_is_throttled_per_ip_address_across_accounts(personas: Personas) -> None:
    for attempt in range(sessions.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE):
        with pytest.raises(AuthenticationError):
            sessions.login(f"user{attempt}@example.com", "guess", HERE)

    with pytest.raises(rate_limit.RateLimited):
        sessions.login("owner@example.com", "correct horse battery staple", HERE)
    # Another address is not held back.
    assert sessions.login(
        "owner@example.com", "correct horse battery staple", sessions.Client("10.0.0.2")
    ).user
