"""Roles (Django groups, created by a data migration) and the one answer to "may this user do this here".

Object scope (a borrower sees their own loans, a division head their division's) lives in the
selectors of each app; this module answers the role question only.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

STAFF = "staff"
DIVISION_HEAD = "division_head"
PROPERTY_OFFICER = "property_officer"
SUPPLY_HEAD = "supply_head"
AGENCY_HEAD = "agency_head"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    STAFF: _("เจ้าหน้าที่ (ผู้ยืม)"),
    DIVISION_HEAD: _("หัวหน้ากอง"),
    PROPERTY_OFFICER: _("เจ้าหน้าที่พัสดุ"),
    SUPPLY_HEAD: _("หัวหน้าหน่วยพัสดุ"),
    AGENCY_HEAD: _("หัวหน้าหน่วยงาน/ผู้ได้รับมอบอำนาจ"),
    AUDITOR: _("ผู้ตรวจสอบ (อ่านอย่างเดียว)"),
    ADMINISTRATOR: _("ผู้ดูแลระบบ"),
}
ALL_ROLES = frozenset(ROLE_LABELS)

# Which roles may take each action. Every role may view the register.
PERMISSIONS: dict[str, frozenset[str]] = {
    "asset.view": ALL_ROLES,
    "asset.register": frozenset({PROPERTY_OFFICER, ADMINISTRATOR}),
    "asset.edit": frozenset({PROPERTY_OFFICER, ADMINISTRATOR}),
    "asset.report_damage": ALL_ROLES - {AUDITOR},
    "asset.repair": frozenset({PROPERTY_OFFICER, ADMINISTRATOR}),
    "asset.transfer": frozenset({PROPERTY_OFFICER, ADMINISTRATOR}),
    "labels.print": frozenset({PROPERTY_OFFICER, ADMINISTRATOR}),
    "loan.request": ALL_ROLES - {AUDITOR},
    "loan.hand_out": frozenset({PROPERTY_OFFICER, ADMINISTRATOR}),
    "loan.followup": frozenset({PROPERTY_OFFICER}),  # besides whoever decided or may approve the loan
    "manual.publish": frozenset({ADMINISTRATOR, SUPPLY_HEAD}),
    "organization.edit": frozenset({ADMINISTRATOR}),
    "staff.manage": frozenset({ADMINISTRATOR}),
    "reference.edit": frozenset({PROPERTY_OFFICER, ADMINISTRATOR}),
    # Inspection (DOMAIN.md section 5): the head of agency or of the supply unit appoints and receives the report;
    # only the inspectors appointed to a round count it (object scope: audits.selectors).
    "inspection.manage": frozenset({AGENCY_HEAD, SUPPLY_HEAD, ADMINISTRATOR}),
    "inspection.accept": frozenset({AGENCY_HEAD}),
    "inspection.view_all": frozenset({AUDITOR, ADMINISTRATOR, AGENCY_HEAD, SUPPLY_HEAD, PROPERTY_OFFICER}),
    "disposal.manage": frozenset({PROPERTY_OFFICER, SUPPLY_HEAD, ADMINISTRATOR}),
    "disposal.approve": frozenset({AGENCY_HEAD}),
    # Reading every disposal case: who reads all rounds, and who proposes or orders disposals.
    "disposal.view": frozenset({AUDITOR, ADMINISTRATOR, AGENCY_HEAD, SUPPLY_HEAD, PROPERTY_OFFICER}),
    # Procurement (DOMAIN.md section 6): the register is open to every role; the supply unit keeps it.
    "procurement.view": ALL_ROLES,
    "procurement.manage": frozenset({PROPERTY_OFFICER, SUPPLY_HEAD, ADMINISTRATOR}),
    "procurement.publish": frozenset({PROPERTY_OFFICER, SUPPLY_HEAD, ADMINISTRATOR}),
    # The annual integrity report: everyone reads it; the supply unit and administrators write and issue it.
    "annual_report.view": ALL_ROLES,
    "annual_report.edit": frozenset({PROPERTY_OFFICER, SUPPLY_HEAD, ADMINISTRATOR}),
    "activity.view_all": frozenset({AUDITOR, ADMINISTRATOR, AGENCY_HEAD}),
    "activity.view_own": ALL_ROLES,
}


def roles_of(user) -> frozenset[str]:
    """The role names of a user (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_phatsadu_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True)) & ALL_ROLES
        if user.is_superuser:
            names.add(ADMINISTRATOR)
        cached = frozenset(names)
        user._phatsadu_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def can(user, action: str) -> bool:
    allowed = PERMISSIONS.get(action)
    if allowed is None:
        raise KeyError(f"unknown action {action!r}")
    return bool(roles_of(user) & allowed)


def require(user, action: str) -> None:
    """Raise PermissionDenied (shown as a Thai 403 page) unless the user may take the action."""
    if not can(user, action):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ทำรายการนี้"))
