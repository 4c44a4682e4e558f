"""Users (signing in with an email address) and their credentials."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from campaign.admin.base import ReadOnlyAdmin, actor_for
from campaign.auth import api_keys, sessions
from campaign.models import ApiKey, RefreshToken, User


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("email", "name", "is_active", "is_staff", "is_superuser", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name")
    ordering = ("email",)
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Deactivating a user ends every session of theirs at once (and, should they be
        reactivated, the tokens issued before stay dead)."""
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            sessions.logout_all(obj, by=actor_for(request), event="deactivated_by_admin")

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """A new (or removed) password ends every session of the user: whoever stole a token
        or the old password is locked out."""
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    sessions.logout_all(
                        user, by=actor_for(request), event="password_changed_by_admin"
                    )
        return response


class CredentialAdmin(ReadOnlyAdmin):
    """Credentials are issued by the auth endpoints; here they can only be looked at and
    revoked, through the auth actions (``revoke``), which write the audit rows."""

    actions = ("revoke_selected",)

    def revoke(self, request: HttpRequest, queryset: QuerySet) -> int:
        raise NotImplementedError

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description="Revoke selected %(verbose_name_plural)s", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self.revoke(request, queryset)
        name = self.model._meta.verbose_name_plural
        self.message_user(request, f"Revoked {count} {name}.", messages.SUCCESS)


@admin.register(ApiKey)
class ApiKeyAdmin(CredentialAdmin):
    list_display = (
        "name",
        "prefix",
        "user",
        "campaign",
        "scopes",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    list_select_related = ("user", "campaign")
    search_fields = ("name", "prefix", "user__email")
    date_hierarchy = "created_at"
    exclude = ("key_hash",)

    def revoke(self, request: HttpRequest, queryset: QuerySet) -> int:
        return api_keys.revoke_api_keys(actor_for(request), queryset)


@admin.register(RefreshToken)
class RefreshTokenAdmin(CredentialAdmin):
    list_display = ("id", "user", "family", "created_at", "expires_at", "revoked_at", "active")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("user__email", "=family")
    date_hierarchy = "created_at"
    exclude = ("token_hash",)

    def revoke(self, request: HttpRequest, queryset: QuerySet) -> int:
        return sessions.revoke_refresh_tokens(actor_for(request), queryset)

    @admin.display(boolean=True, description="active")
    def active(self, obj: RefreshToken) -> Any:
        return obj.is_active
