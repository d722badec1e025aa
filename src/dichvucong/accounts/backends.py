"""Django model permissions that follow from roles, so the admin needs no per-user grants.

The Django admin asks `user.has_perm("agencies.change_agency")` before it shows a model; lower
apps' admins (agencies, core) rely on that and on `user.agency_scope()` for which rows. Instead
of copying permissions onto every officer, this backend derives them from the memberships in
force, through the table in `accounts.permissions.ROLE_MODEL_PERMISSIONS`. Which objects a user
may touch stays with the admins' querysets and the predicates.
"""

from __future__ import annotations

from .permissions import model_permissions_for


class RolePermissionBackend:
    def authenticate(self, request, **credentials):
        return None  # grants rights, never logs anyone in

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or not user_obj.is_staff:
            return set()
        return set(model_permissions_for(user_obj))

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))
