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
