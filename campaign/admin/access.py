"""Users (signing in with an email address) and their credentials."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from campaign.admin.base import ReadOnlyAdmin
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


class CredentialAdmin(ReadOnlyAdmin):
    """Credentials are issued by the auth endpoints; here they can only be looked at and
    revoked (they are not domain entities, so revoking sets ``revoked_at`` directly)."""

    actions = ("revoke_selected",)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description="Revoke selected %(verbose_name_plural)s", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
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


@admin.register(RefreshToken)
class RefreshTokenAdmin(CredentialAdmin):
    list_display = ("id", "user", "family", "created_at", "expires_at", "revoked_at", "active")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("user__email", "=family")
    date_hierarchy = "created_at"
    exclude = ("token_hash",)

    @admin.display(boolean=True, description="active")
    def active(self, obj: RefreshToken) -> Any:
        return obj.is_active
