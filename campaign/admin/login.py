"""The admin site's sign-in counts against the same throttle as REST and GraphQL sign-in."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm

from campaign.auth import sessions
from campaign.auth.rate_limit import RateLimited
from campaign.auth.request_auth import client_for_request


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """Counts the attempt before the password is checked, so that past the limit even the right
    password is refused: otherwise a guesser would still learn when a guess was right."""

    def clean(self) -> dict[str, Any]:
        # The admin's LoginView always passes the request.
        assert self.request is not None, "the throttle needs the request's client address"
        email = self.cleaned_data.get("username")
        if email is not None:
            try:
                sessions.throttle_login(email, client_for_request(self.request))
            except RateLimited as exc:
                raise forms.ValidationError(exc.message, code="rate_limited") from exc
        return super().clean()


admin.site.login_form = ThrottledAdminLoginForm
