"""The user behind an access token is kept between requests (campaign/auth/user_cache.py) and
revocation stays immediate: logout-all, deactivation or any other write of the user refuses a
token the very next request, in this process and in any other sharing the cache."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.hashers import check_password

from campaign.auth import sessions, tokens, user_cache
from campaign.models import User
from kernel.errors import AuthenticationError
from tests.conftest import Personas

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def shared_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The cache as every process would share it (Redis in production; here the process's own
    cache stands for it: these tests run in one process)."""
    monkeypatch.setattr(user_cache, "shared", lambda: True)
    user_cache._kept.clear()
    yield
    user_cache._kept.clear()


def test_a_kept_user_costs_no_query(personas: Personas, django_assert_num_queries: object) -> None:
    # Given a token whose user was read once
    token = tokens.issue_access_token(personas.owner)
    tokens.user_for_access_token(token)

    # When it is used again, then the user comes without a query
    with django_assert_num_queries(0):  # type: ignore[operator]
        user = tokens.user_for_access_token(token)
    assert user == personas.owner
    assert user.email == personas.owner.email


def test_logout_all_refuses_a_kept_token_at_once(personas: Personas) -> None:
    # Given a token in use
    token = tokens.issue_access_token(personas.owner)
    tokens.user_for_access_token(token)

    # When the user signs out everywhere
    sessions.logout_all(User.objects.get(pk=personas.owner.pk))

    # Then the token is refused on its next use
    with pytest.raises(AuthenticationError, match="signed out"):
        tokens.user_for_access_token(token)


def test_deactivation_refuses_a_kept_token_at_once(personas: Personas) -> None:
    token = tokens.issue_access_token(personas.owner)
    tokens.user_for_access_token(token)

    user = User.objects.get(pk=personas.owner.pk)
    user.is_active = False
    user.save()

    with pytest.raises(AuthenticationError, match="deactivated"):
        tokens.user_for_access_token(token)


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_process_refuses_the_kept_token(
    personas: Personas,
) -> None:
    # Given a token whose user another process keeps too
    token = tokens.issue_access_token(personas.owner)
    tokens.user_for_access_token(token)
    kept_elsewhere = user_cache._kept[personas.owner.pk]

    # When logout-all commits here, while that other process still holds what it kept
    sessions.logout_all(User.objects.get(pk=personas.owner.pk))
    user_cache._kept[personas.owner.pk] = kept_elsewhere

    # Then the shared stamp has moved on, and that process refuses the token too
    with pytest.raises(AuthenticationError, match="signed out"):
        tokens.user_for_access_token(token)


def test_saving_a_kept_user_keeps_the_password(personas: Personas) -> None:
    # Given a user as kept for a token (without the password hash)
    token = tokens.issue_access_token(personas.owner)
    tokens.user_for_access_token(token)
    kept = tokens.user_for_access_token(token)

    # When it is changed and saved
    kept.name = "Renamed"
    kept.save()

    # Then the row keeps its password, and the change is seen
    stored = User.objects.get(pk=personas.owner.pk)
    assert stored.name == "Renamed"
    assert check_password(PASSWORD, stored.password)
    assert tokens.user_for_access_token(token).name == "Renamed"
