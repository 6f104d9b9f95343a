"""Writes to the organisation: its profile and its staff. Staff are deactivated, never deleted."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activity import log

from . import roles
from .models import Division, Organization, User

PROFILE_FIELDS = ("name", "egp_name", "district", "province", "address", "phone", "head_title", "asset_number_pattern",
                  "loan_endorsement_required")


@transaction.atomic
def organization_update(*, actor, **fields) -> Organization:
    roles.require(actor, "organization.edit")
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields {sorted(unknown)}")
    profile = Organization.objects.select_for_update().get(pk=1)
    before = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    for name, value in fields.items():
        setattr(profile, name, value)
    if "{run" not in profile.asset_number_pattern:
        raise ValidationError({"asset_number_pattern": _("รูปแบบหมายเลขต้องมีลำดับที่ {run}")})
    profile.full_clean()
    profile.save()
    changes = log.diff(before, {name: getattr(profile, name) for name in PROFILE_FIELDS})
    if changes:
        log.record("organization.update", obj=profile, actor=actor, details={"changes": changes})
    return profile


@transaction.atomic
def staff_move(*, actor, user: User, division: Division, position: str | None = None) -> User:
    """Move a member of staff to another division; their history stays with them."""
    roles.require(actor, "staff.manage")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"division": str(user.division or ""), "position": user.position}
    user.division = division
    if position is not None:
        user.position = position
    user.save(update_fields=["division", "position"])
    log.record("staff.move", obj=user, actor=actor, division_id=division.pk,
               details={"changes": log.diff(before, {"division": str(division), "position": user.position})})
    return user


@transaction.atomic
def staff_deactivate(*, actor, user: User, reason: str = "") -> User:
    """A member of staff who leaves can no longer sign in; nothing of theirs is deleted."""
    roles.require(actor, "staff.manage")
    if user.pk == actor.pk:
        raise ValidationError(_("ปิดบัญชีของตนเองไม่ได้"))
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("บัญชี %(user)s ถูกปิดอยู่แล้ว") % {"user": user})
    user.is_active = False
    user.save(update_fields=["is_active"])
    log.record("staff.deactivate", obj=user, actor=actor, division_id=user.division_id, details={"reason": reason})
    return user


def roles_set(user: User, names: set[str]) -> None:
    """Give a user exactly these roles (Django groups); property officers and administrators open the
    reference-data admin (is_staff), as the demo's accounts do."""
    from django.contrib.auth.models import Group

    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL_ROLES)}
    user.groups.remove(*groups.values())
    user.groups.add(*(groups[name] for name in names))
    staff_flag = bool(names & {roles.PROPERTY_OFFICER, roles.ADMINISTRATOR}) or user.is_superuser
    if user.is_staff != staff_flag:
        User.objects.filter(pk=user.pk).update(is_staff=staff_flag)
        user.is_staff = staff_flag
    user._phatsadu_roles = None


def role_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True)) & roles.ALL_ROLES


STAFF_FIELDS = ("username", "first_name", "last_name", "email", "division", "position", "phone", "is_active")


def _staff_values(user: User) -> dict:
    values = {name: getattr(user, name) for name in STAFF_FIELDS}
    values["division"] = str(values["division"] or "")
    values["roles"] = sorted(role_names(user)) if user.pk else []
    return values


@transaction.atomic
def staff_save(*, actor, user: User | None = None, username: str, first_name: str, last_name: str = "",
               email: str = "", division: Division | None = None, position: str = "", phone: str = "",
               role_set: set[str], is_active: bool = True) -> User:
    """Add a member of staff (no password: they set one through their first-sign-in link) or change one."""
    roles.require(actor, "staff.manage")
    unknown = set(role_set) - roles.ALL_ROLES
    if unknown:
        raise ValidationError(_("ไม่รู้จักบทบาท %(roles)s") % {"roles": ", ".join(sorted(unknown))})
    if user is not None:
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.pk == actor.pk:
            if not is_active:
                raise ValidationError({"is_active": _("ปิดบัญชีของตนเองไม่ได้")})
            if roles.ADMINISTRATOR in role_names(user) and roles.ADMINISTRATOR not in role_set \
                    and not user.is_superuser:
                raise ValidationError({"roles": _("ถอดบทบาทผู้ดูแลระบบของตนเองไม่ได้")})
    before = _staff_values(user) if user is not None else {}
    creating = user is None
    if creating:
        user = User()
        user.set_unusable_password()
    clash = User.objects.filter(username__iexact=username.strip()).exclude(pk=user.pk).first()
    if clash is not None:
        raise ValidationError({"username": _("ชื่อผู้ใช้ “%(name)s” มีผู้ใช้แล้ว (%(who)s)") % {
            "name": username, "who": clash}})
    user.username, user.first_name, user.last_name = username.strip(), first_name.strip(), last_name.strip()
    user.email, user.division, user.position, user.phone = email.strip(), division, position.strip(), phone.strip()
    user.is_active = is_active
    user.full_clean()
    user.save()
    roles_set(user, set(role_set))
    after = _staff_values(user)
    if creating:
        log.record("user.create", obj=user, actor=actor, division_id=user.division_id, details={"after": after})
    elif changes := log.diff(before, after):
        log.record("user.update", obj=user, actor=actor, division_id=user.division_id, details={"changes": changes})
    return user


@transaction.atomic
def division_save(*, actor, division: Division | None = None, code: str, name: str, order: int = 0,
                  is_active: bool = True, head: User | None = None) -> Division:
    """Add or change a division; `head` (if given) becomes its head: moved into it with the role of division
    head. A head already named stays head (a division may have more than one head)."""
    roles.require(actor, "reference.edit")
    if head is not None:
        roles.require(actor, "staff.manage")
    fields = ("code", "name", "order", "is_active")
    if division is not None:
        division = Division.objects.select_for_update().get(pk=division.pk)
    before = {field: getattr(division, field) for field in fields} if division is not None else {}
    creating = division is None
    division = division or Division()
    division.code, division.name, division.order, division.is_active = code.strip(), name.strip(), order, is_active
    division.full_clean()
    division.save()
    after = {field: getattr(division, field) for field in fields}
    if creating:
        log.record("division.create", obj=division, actor=actor, division_id=division.pk, details={"after": after})
    elif changes := log.diff(before, after):
        log.record("division.update", obj=division, actor=actor, division_id=division.pk,
                   details={"changes": changes})
    if head is not None:
        person = User.objects.select_for_update().get(pk=head.pk)
        names = role_names(person)
        if person.division_id != division.pk or roles.DIVISION_HEAD not in names:
            staff_save(actor=actor, user=person, username=person.username, first_name=person.first_name,
                       last_name=person.last_name, email=person.email, division=division, position=person.position,
                       phone=person.phone, role_set=names | {roles.DIVISION_HEAD}, is_active=person.is_active)
    return division


def division_heads(division: Division) -> list[User]:
    return list(User.objects.filter(is_active=True, division=division, groups__name=roles.DIVISION_HEAD)
                .distinct().order_by("first_name"))


@transaction.atomic
def first_sign_in_reissue(*, actor, user: User) -> User:
    """A new link to set a password, for someone who lost their link or their password: their password (if any)
    stops working, and so does every earlier link."""
    roles.require(actor, "staff.manage")
    if user.pk == actor.pk:
        raise ValidationError(_("ล้างรหัสผ่านของตนเองไม่ได้: ให้ผู้ดูแลระบบอีกคนออกลิงก์ให้"))
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    log.record("user.first_sign_in_link", obj=user, actor=actor, division_id=user.division_id)
    return user
