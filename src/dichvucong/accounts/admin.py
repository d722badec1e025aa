"""The Django admin of accounts and memberships, scoped by `User.agency_scope()`.

- Province admins and superusers see every account and membership.
- An agency admin sees the officers who hold a role in one of their agencies now, and only the
  memberships of their agencies; they grant roles in their agencies only, never province admin.
- Memberships are granted and ended through the services (which audit them and open or close
  the admin to administrators by is_staff); they are never edited in place nor deleted.
- The admin's own login page sends to the portal's (allauth) login, so its throttling applies.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dichvucong.agencies.models import Agency
from dichvucong.core.admin import AuditedModelAdmin
from dichvucong.core.errors import ServiceError

from . import permissions, selectors, services
from .models import Membership, User

# --- The admin's login goes through allauth (rate limits, the same page as everyone).


def admin_login(request, extra_context=None):
    if request.user.is_authenticated:
        # Signed in but not allowed in: a redirect to the login would loop back here.
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(next_url, login_url=reverse("account_login"))


admin.site.login = admin_login


def _scope(request) -> frozenset[int] | None:
    return request.user.agency_scope()


def _is_province_wide(request) -> bool:
    return _scope(request) is None


# --- Memberships


class MembershipGrantForm(forms.ModelForm):
    """Add form (and inline rows) of a membership: checked by the service before saving."""

    acting_user: User | None = None  # set per request by the admin

    class Meta:
        model = Membership
        fields = ["user", "agency", "role", "valid_from", "valid_to"]

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") or getattr(self.instance, "user", None)
        agency, role = cleaned.get("agency"), cleaned.get("role")
        if user is None or agency is None or not role or self.errors:
            return cleaned
        try:
            services.membership_grant_check(
                user=user,
                agency=agency,
                role=role,
                valid_from=cleaned.get("valid_from") or timezone.now(),
                valid_to=cleaned.get("valid_to"),
                granted_by=self.acting_user,
            )
        except ServiceError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
        return cleaned

    def validate_constraints(self, exclude=None):
        # The service's check above says the same in words; an open-ended row of the user
        # being created cannot be checked before the user exists.
        if self.instance.user_id is None:
            return
        super().validate_constraints(exclude=exclude)


class MembershipEndForm(forms.ModelForm):
    """Change form of a membership: only its end can be set, through the service."""

    class Meta:
        model = Membership
        fields = ["valid_to"]

    def clean_valid_to(self):
        value = self.cleaned_data.get("valid_to")
        if value is None:
            raise forms.ValidationError(_("Give the moment the role ends."))
        return value

    def validate_constraints(self, exclude=None):
        return  # the service checks the end against the start and the current end


class ScopedMembershipMixin:
    """Agency and role choices limited to what the signed-in administrator may grant."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            agencies = Agency.objects.active().order_by("code")
            scope = _scope(request)
            if scope is not None:
                agencies = agencies.filter(pk__in=scope)
            kwargs["queryset"] = agencies
        elif db_field.name == "user":
            kwargs["queryset"] = selectors.user_list_for_scope(scope=_scope(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not _is_province_wide(request):
            kwargs["choices"] = [
                (value, label)
                for value, label in Membership.Role.choices
                if value != Membership.Role.PROVINCE_ADMIN
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Membership)
class MembershipAdmin(ScopedMembershipMixin, AuditedModelAdmin):
    list_display = ["user", "agency", "role", "valid_from", "valid_to", "is_active_now"]
    list_filter = ["role", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__full_name", "agency__code", "agency__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "agency"]
    show_full_result_count = False
    actions = ["end_now"]

    def audit_scope(self, obj) -> str:
        return obj.agency.code

    def get_queryset(self, request):
        return selectors.membership_list_for_scope(scope=_scope(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = MembershipEndForm
            kwargs["fields"] = ["valid_to"]
        else:
            kwargs["form"] = MembershipGrantForm
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "agency", "role", "valid_from", "valid_to"]
        return ["user", "agency", "role", "valid_from", "valid_to", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "agency", "role", "valid_from", "created_at"]

    def save_model(self, request, obj, form, change):
        # The services write and audit; AuditedModelAdmin's own recording is not used here.
        try:
            if change:
                services.membership_end(
                    membership=obj, at=form.cleaned_data["valid_to"], ended_by=request.user
                )
            else:
                granted = services.membership_grant(
                    user=obj.user,
                    agency=obj.agency,
                    role=obj.role,
                    valid_from=obj.valid_from,
                    valid_to=obj.valid_to,
                    granted_by=request.user,
                )
                obj.pk = granted.pk
        except ServiceError as error:
            # Only a race gets here: the form ran the same checks.
            messages.error(request, error.message)

    def has_module_permission(self, request):
        return permissions.can(request.user, "membership.manage")

    def has_view_permission(self, request, obj=None):
        return permissions.can(request.user, "membership.manage", obj)

    def has_change_permission(self, request, obj=None):
        return permissions.can(request.user, "membership.manage", obj)

    def has_add_permission(self, request):
        return permissions.can(request.user, "membership.manage")

    def has_delete_permission(self, request, obj=None):
        return False  # a membership is history: end it instead

    @admin.display(boolean=True, description=_("in force"))
    def is_active_now(self, obj):
        return obj.is_active_at(timezone.now())

    @admin.action(description=_("End the selected memberships now"))
    def end_now(self, request, queryset):
        ended = 0
        for membership in queryset:
            try:
                services.membership_end(membership=membership, ended_by=request.user)
            except ServiceError as error:
                self.message_user(request, f"{membership}: {error.message}", messages.WARNING)
            else:
                ended += 1
        if ended:
            self.message_user(
                request,
                ngettext("%(count)d membership ended.", "%(count)d memberships ended.", ended)
                % {"count": ended},
                messages.SUCCESS,
            )


class MembershipInline(ScopedMembershipMixin, admin.TabularInline):
    """The user's memberships in the administrator's agencies: existing rows read-only (end
    them in the memberships list), new rows granted through the service on save."""

    model = Membership
    form = MembershipGrantForm
    fk_name = "user"
    fields = ["agency", "role", "valid_from", "valid_to"]
    extra = 0
    show_change_link = True
    verbose_name = _("role")
    verbose_name_plural = _("roles in agencies")

    def get_queryset(self, request):
        return selectors.membership_list_for_scope(scope=_scope(request))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"acting_user": request.user})
        return formset

    def has_view_permission(self, request, obj=None):
        return permissions.can(request.user, "membership.manage")

    def has_add_permission(self, request, obj=None):
        return permissions.can(request.user, "membership.manage")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Users


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if selectors.user_find_by_email(email=email) is not None:
            raise forms.ValidationError(services.EMAIL_TAKEN_MESSAGE, code="email_taken")
        return email


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class HasMembershipFilter(admin.SimpleListFilter):
    title = _("account type")
    parameter_name = "officer"

    def lookups(self, request, model_admin):
        return [("yes", _("Officers")), ("no", _("Applicants"))]

    def queryset(self, request, queryset):
        has_role = Exists(Membership.objects.active().filter(user_id=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(has_role)
        if self.value() == "no":
            return queryset.filter(~has_role)
        return queryset


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    inlines = [MembershipInline]
    list_display = ["email", "full_name", "kind", "id_number", "tax_code", "is_active", "is_staff"]
    list_filter = [HasMembershipFilter, "kind", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name", "=id_number", "=tax_code"]
    ordering = ["email"]
    show_full_result_count = False
    filter_horizontal = []
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Applicant details"),
            {"fields": ["full_name", "kind", "id_number", "tax_code", "phone", "address"]},
        ),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def get_queryset(self, request):
        return selectors.user_list_for_scope(scope=_scope(request))

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        if obj is not None and not _is_province_wide(request):
            # An agency admin sees their officers; identity and access are the province's.
            readonly += ["email", "kind", "id_number", "tax_code", "is_active", "is_staff"]
        return readonly

    def _may_administer(self, request) -> bool:
        scope = _scope(request)
        return scope is None or bool(scope)

    def _in_scope(self, request, obj) -> bool:
        scope = _scope(request)
        if obj is None or scope is None:
            return scope is None or bool(scope)
        return selectors.user_list_for_scope(scope=scope).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._may_administer(request)

    def has_view_permission(self, request, obj=None):
        return self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        # Only a superuser touches a superuser's account: changing its e-mail or password would
        # hand over the break-glass account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return self._in_scope(request, obj)

    def has_add_permission(self, request):
        return self._may_administer(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # others deactivate an account instead

    def user_change_password(self, request, id, form_url=""):
        # Setting another person's password is the province's (the IT department) only.
        target = self.get_object(request, id)
        if not _is_province_wide(request) or (
            target is not None and target.is_superuser and not request.user.is_superuser
        ):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # New rows are grants: through the service, which audits and sets is_staff.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if not row.has_changed() or row.instance.pk is not None:
                continue
            data = row.cleaned_data
            try:
                granted = services.membership_grant(
                    user=form.instance,
                    agency=data["agency"],
                    role=data["role"],
                    valid_from=data.get("valid_from") or None,
                    valid_to=data.get("valid_to"),
                    granted_by=request.user,
                )
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                formset.new_objects.append(granted)
        return None
