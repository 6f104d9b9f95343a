"""Every write to the register. Each service checks permission, validates, saves and logs."""

import datetime as dt
import operator
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from activity import log
from common.bulk import insert_rows
from organization import roles
from thai.dates import MIN_YEAR, fiscal_year

from .models import Asset, NumberAlias, Status
from .numbering import (allocate_numbers, allocate_numbers_many, compact_number, ids_by_number_key, number_key,
                        numbers_in_use)
from .photos import clean_photo

EDITABLE_FIELDS = (
    "name", "specification", "brand_model", "serial_number", "category", "division", "location",
    "custodian", "acquired_on", "acquisition_method", "budget_type", "document_number", "vendor_name",
    "vendor_address", "vendor_phone", "unit", "unit_price", "useful_life_years", "is_lendable", "notes",
    "review_note",
)
# Statuses an officer may set by editing; the others come from workflows (loans, disposal).
MANUAL_STATUSES = frozenset({
    Status.IN_USE, Status.UNDER_REPAIR, Status.DAMAGED, Status.DETERIORATED, Status.LOST, Status.NOT_NEEDED,
})
_EDITABLE = frozenset(EDITABLE_FIELDS)
# The photo last: it is read from the instance's __dict__ (the descriptor would build a FieldFile per asset).
_INSERT_FIELDS = [field.attname for field in Asset._meta.concrete_fields
                  if not field.primary_key and field.attname != "photo"] + ["photo"]
_insert_plain = operator.attrgetter(*_INSERT_FIELDS[:-1])


def _photo_name(asset: Asset) -> str:
    """The photo's file name ("" without one), as asset.photo.name, without building a FieldFile when none was."""
    value = asset.__dict__.get("photo")
    if value is None or value.__class__ is str:
        return value or ""
    photo = asset.photo
    return photo.name if photo else ""


def _insert_values(asset: Asset) -> tuple:
    return (*_insert_plain(asset), _photo_name(asset))


_SNAPSHOT_FIELDS = ("number",) + EDITABLE_FIELDS + ("status", "photo")
_RELATIONS = tuple(field for field in Asset._meta.concrete_fields if field.is_relation)
_RELATION_NAMES = frozenset(field.name for field in _RELATIONS)
_SNAPSHOT_PLAIN = tuple(name for name in _SNAPSHOT_FIELDS if name not in _RELATION_NAMES and name != "photo")
_SNAPSHOT_RELATED = tuple(name for name in _SNAPSHOT_FIELDS if name in _RELATION_NAMES)
# (field name, attname, default) of every column that is not a relation
_PLAIN_COLUMNS = tuple((field.name, field.attname, None if field.primary_key else field.get_default())
                       for field in Asset._meta.concrete_fields if not field.is_relation)
_COLUMN_NAMES = frozenset(field.name for field in Asset._meta.concrete_fields)


def asset_new(**fields) -> Asset:
    """An unsaved Asset from register fields, for bulk paths that build thousands (what Asset(**fields) gives).

    Relations must be model instances the caller loaded (or None); they go into the instance's
    relation cache, so reading them makes no query. The instance is filled the way Model.from_db
    fills one, value by value into its __dict__, without the per-field descriptor work and the
    init signals of Asset(**fields): 4 µs instead of 16 µs. (The one post_init receiver for Asset,
    ImageField's dimension update, does nothing: the photo has no width or height fields. A
    receiver added later would have to be called here too; test_import_services checks the two
    builds give the same instance.)
    """
    unknown = fields.keys() - _COLUMN_NAMES
    if unknown:
        raise TypeError(f"Asset has no fields {sorted(unknown)}")
    asset = Asset.__new__(Asset)
    asset._state = ModelState()
    values = asset.__dict__
    for name, attname, default in _PLAIN_COLUMNS:
        values[attname] = fields.get(name, default)
    cache = asset._state.fields_cache
    for field in _RELATIONS:
        obj = fields.get(field.name)
        if obj is not None and not isinstance(obj, field.related_model):
            raise TypeError(f"{field.name} must be a {field.related_model.__name__}, not {type(obj).__name__}")
        values[field.attname] = None if obj is None else obj.pk
        cache[field.name] = obj
    return asset


def search_text(asset: Asset) -> str:
    """What the register's text search looks in: the number as written and without its separators (so 4016400
    finds 401-64-0003), the name, the serial number and the model."""
    key = number_key(asset.number)
    compact = compact_number(asset.number)
    parts = [key, compact if compact != key else "", asset.name, asset.serial_number, asset.brand_model]
    return " ".join(part for part in parts if part).lower()


def snapshot(asset: Asset) -> dict:
    """The asset's register fields as readable values, for the log's before/after."""
    values = {name: getattr(asset, name) for name in _SNAPSHOT_PLAIN}
    for name in _SNAPSHOT_RELATED:
        value = getattr(asset, name)
        values[name] = None if value is None else str(value)
    values["photo"] = _photo_name(asset)
    return values


def describe_error(error: ValidationError) -> str:
    """A validation error as one Thai line, naming each field by its label."""
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        label = Asset._meta.get_field(field).verbose_name if field in _FIELD_NAMES else ""
        parts.append(f"{label}: {' '.join(messages)}" if label else " ".join(messages))
    return "; ".join(parts)


_FIELD_NAMES = {field.name for field in Asset._meta.get_fields()}


def _check_fields(fields: dict) -> None:
    unknown = fields.keys() - _EDITABLE
    if unknown:
        raise TypeError(f"fields that are not editable: {sorted(unknown)}")


CENT = Decimal("0.01")


def _validate(asset: Asset, *, relations_checked: bool = False) -> None:
    """Raise ValidationError (Thai messages) unless the asset may be saved.

    relations_checked: the caller passed model instances it loaded itself (bulk paths), so the
    per-field existence queries of full_clean are skipped.
    """
    errors = {}
    if asset.location_id and asset.division_id and asset.location.division_id != asset.division_id:
        errors["location"] = _("สถานที่ “%(location)s” ไม่ได้อยู่ใน%(division)s") % {
            "location": asset.location, "division": asset.division}
    if asset.unit_price is not None and Decimal(asset.unit_price) < 0:
        errors["unit_price"] = _("ราคาต่อหน่วยต้องไม่ติดลบ")
    if asset.useful_life_years is not None and asset.useful_life_years <= 0:
        errors["useful_life_years"] = _("อายุการใช้งานต้องมากกว่า 0 ปี")
    # date.today() is Bangkok's date: Django sets the process's TZ to TIME_ZONE (and it costs 1 µs, not the 20 µs of
    # timezone.localdate(): this runs once per asset of an import).
    if asset.acquired_on and asset.acquired_on > dt.date.today() + dt.timedelta(days=366):
        errors["acquired_on"] = _("วันที่ได้มาอยู่ไกลเกินไปในอนาคต")
    elif asset.acquired_on and asset.acquired_on.year < MIN_YEAR:
        errors["acquired_on"] = _("วันที่ได้มาต้องไม่ก่อน พ.ศ. %(year)s") % {"year": MIN_YEAR + 543}
    if errors:
        raise ValidationError(errors)
    if asset.unit_price is not None:
        asset.unit_price = Decimal(asset.unit_price).quantize(CENT)
    if relations_checked:
        _check_values(asset)
    else:
        asset.full_clean(exclude=["number", "number_key", "search_text", "photo"], validate_unique=False,
                         validate_constraints=False)


def _text_limits() -> list[tuple[str, str, int, bool]]:
    skip = {"number", "number_key", "search_text", "photo"}
    return [(f.attname, f.verbose_name, f.max_length, f.blank) for f in Asset._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and f.attname not in skip and not f.choices]


_TEXT_LIMITS = _text_limits()
_STATUSES = frozenset(Status.values)
_MAX_PRICE = Decimal(10) ** 12


def _check_values(asset: Asset) -> None:
    """The rules full_clean applies to these fields, checked directly (bulk paths: 10,000 rows a call).

    Relations are model instances the caller loaded; text lengths, required values, status and the
    price's digits are checked here."""
    errors = {}
    for attname, label, max_length, blank in _TEXT_LIMITS:
        value = getattr(asset, attname)
        if not value and not blank:
            errors[attname] = _("กรุณากรอก%(field)s") % {"field": label}
        elif value and max_length and len(value) > max_length:
            errors[attname] = _("%(field)s ยาวได้ไม่เกิน %(max)s ตัวอักษร") % {"field": label, "max": max_length}
        elif value and "\x00" in value:
            errors[attname] = _("%(field)s มีอักขระที่ใช้ไม่ได้") % {"field": label}
    for name in ("category", "division"):
        if getattr(asset, f"{name}_id") is None:
            errors[name] = _("กรุณาระบุ%(field)s") % {"field": Asset._meta.get_field(name).verbose_name}
    if asset.acquired_on is None:
        errors["acquired_on"] = _("กรุณาระบุวันที่ได้มา")
    if asset.unit_price is None:
        errors["unit_price"] = _("กรุณาระบุราคาต่อหน่วย")
    elif asset.unit_price >= _MAX_PRICE:
        errors["unit_price"] = _("ราคาต่อหน่วยมีจำนวนหลักมากเกินไป")
    if asset.useful_life_years is None or asset.useful_life_years > 100:
        errors["useful_life_years"] = _("อายุการใช้งานต้องอยู่ระหว่าง 1 ถึง 100 ปี")
    if asset.status not in _STATUSES:
        errors["status"] = _("ไม่รู้จักสถานะ “%(status)s”") % {"status": asset.status}
    if errors:
        raise ValidationError(errors)


def _ensure_number_free(key: str, *, exclude_pk=None) -> None:
    """A number is free when no asset has it now and no other asset had it before (its labels still point there)."""
    clash = Asset.objects.filter(number_key=key)
    old = NumberAlias.objects.filter(number_key=key)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
        old = old.exclude(asset_id=exclude_pk)
    if clash.exists():
        raise ValidationError({"number": _("หมายเลขครุภัณฑ์ %(number)s มีอยู่ในทะเบียนแล้ว") % {"number": key}})
    if old.exists():
        raise ValidationError({"number": _("หมายเลขครุภัณฑ์ %(number)s เคยเป็นหมายเลขของครุภัณฑ์อื่น "
                                          "(ป้ายเดิมยังชี้ไปที่รายการนั้น)") % {"number": key}})


def _save(asset: Asset) -> None:
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError:
        if Asset.objects.filter(number_key=asset.number_key).exclude(pk=asset.pk).exists():
            raise ValidationError({"number": _("หมายเลขครุภัณฑ์ %(number)s มีอยู่ในทะเบียนแล้ว") % {"number": asset.number}}) from None
        raise ValidationError(_("บันทึกไม่ได้: ข้อมูลไม่ถูกต้องตามเงื่อนไขของทะเบียน")) from None


@transaction.atomic
def asset_register(*, actor, number: str = "", photo=None, **fields) -> Asset:
    """Register one asset. A blank number is allocated from the pattern; a legacy number is kept as typed."""
    roles.require(actor, "asset.register")
    _check_fields(fields)
    asset = Asset(**fields)
    if asset.useful_life_years is None and asset.category_id:
        asset.useful_life_years = asset.category.useful_life_years
    _validate(asset)
    number = (number or "").strip()
    if number:
        asset.number = number
        asset.number_key = number_key(number)
        _ensure_number_free(asset.number_key)
    else:
        asset.number = allocate_numbers(asset.category, asset.acquired_on)[0]
        asset.number_key = number_key(asset.number)
    if photo:
        asset.photo = clean_photo(photo)
    asset.search_text = search_text(asset)
    _save(asset)
    log.record("asset.register", obj=asset, actor=actor, assets=[asset], division_id=asset.division_id,
               details={"after": snapshot(asset)})
    return asset


@transaction.atomic
def asset_update(*, actor, asset: Asset, number: str | None = None, status: str | None = None,
                 photo=None, remove_photo: bool = False, **fields) -> Asset:
    """Change an asset's register fields (and, for non-workflow statuses, its status); logs before/after."""
    roles.require(actor, "asset.edit")
    _check_fields(fields)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    before = snapshot(asset)
    for name, value in fields.items():
        setattr(asset, name, value)
    if status is not None and status != asset.status:
        if asset.status not in MANUAL_STATUSES or status not in MANUAL_STATUSES:
            raise ValidationError({"status": _("สถานะนี้เปลี่ยนได้จากขั้นตอนงาน (ยืม/คืน/จำหน่าย) เท่านั้น")})
        asset.status = status
    _validate(asset)
    if number is not None and number.strip() and number_key(number) != asset.number_key:
        _ensure_number_free(number_key(number), exclude_pk=asset.pk)
        NumberAlias.objects.filter(asset=asset, number_key=number_key(number)).delete()  # back to an old number
        NumberAlias.objects.create(asset=asset, number=asset.number, number_key=asset.number_key)
        asset.number = number.strip()
        asset.number_key = number_key(asset.number)
    if photo:
        asset.photo = clean_photo(photo)
    elif remove_photo:
        asset.photo = ""
    asset.search_text = search_text(asset)
    changes = log.diff(before, snapshot(asset))
    if not changes:
        return asset
    _save(asset)
    log.record("asset.update", obj=asset, actor=actor, assets=[asset], division_id=asset.division_id,
               details={"changes": changes})
    return asset


@transaction.atomic
def assets_register_bulk(*, actor, rows: list[dict] = (), assets: list[Asset] = (), batch_size: int = 2000) -> list[Asset]:
    """Register many assets at once (seeding, imports): validated in memory, written in batches.

    Either `rows`: dicts of EDITABLE_FIELDS plus optional "number" and "status" (relations as model
    instances the caller loaded); or `assets`: unsaved Assets the caller built with asset_new (an
    import's plan built and checked them already; building them again cost 0.35 s for 10,000 rows).
    Both go through the same checks here: every asset handed in is validated again with
    _validate(relations_checked=True), the very function the import's preview used (asset_check),
    and its number checked for duplicates and for numbers in use. A handed asset's `number` is its
    legacy number, or blank to allocate one; on success the instances are the saved assets (pk
    set); on failure they are left as they came. Rows without a number get one allocated, per
    category and fiscal year, in one locked step per group.
    """
    roles.require(actor, "asset.register")
    built: list[tuple[Asset, str]] = []
    for row in rows:
        row = dict(row)
        number = (row.pop("number", "") or "").strip()
        status = row.pop("status", Status.IN_USE)
        _check_fields(row)
        built.append((asset_new(status=status, **row), number))
    for asset in assets:
        _check_handed(asset)
        built.append((asset, (asset.number or "").strip()))
    assets: list[Asset] = []
    wanting_number: dict[tuple, list[Asset]] = defaultdict(list)
    errors: list[str] = []
    seen_keys: set[str] = set()
    for index, (asset, number) in enumerate(built, start=1):
        if asset.useful_life_years is None:
            asset.useful_life_years = asset.category.useful_life_years
        try:
            _validate(asset, relations_checked=True)
        except ValidationError as error:
            errors.append(_("แถว %(row)s: %(error)s") % {"row": index, "error": describe_error(error)})
            continue
        if number:
            asset.number, asset.number_key = number, number_key(number)
            if asset.number_key in seen_keys:
                errors.append(_("แถว %(row)s: หมายเลขครุภัณฑ์ %(number)s ซ้ำในชุดข้อมูล") % {"row": index, "number": number})
            seen_keys.add(asset.number_key)
        else:
            wanting_number[(asset.category, fiscal_year(asset.acquired_on))].append(asset)
        assets.append(asset)
    if seen_keys:
        taken = numbers_in_use(sorted(seen_keys))
        errors.extend(_("หมายเลขครุภัณฑ์ %(number)s มีอยู่ในทะเบียนแล้ว") % {"number": key} for key in sorted(taken))
    if errors:
        raise ValidationError(errors)
    allocated = allocate_numbers_many({group: len(members) for group, members in wanting_number.items()},
                                      reserved=seen_keys)
    try:
        for group, members in wanting_number.items():
            for asset, number in zip(members, allocated[group]):
                asset.number, asset.number_key = number, number_key(number)
        now = timezone.now()
        for asset in assets:
            asset.search_text = search_text(asset)
            asset.created_at = asset.updated_at = now
        try:
            with transaction.atomic():
                insert_rows(Asset, _INSERT_FIELDS, [_insert_values(a) for a in assets],
                            batch_size=batch_size)
        except IntegrityError:
            raise ValidationError(_("บันทึกไม่ได้: มีหมายเลขครุภัณฑ์ซ้ำกับที่เพิ่งลงทะเบียน กรุณาลองใหม่")) from None
        ids = ids_by_number_key([asset.number_key for asset in assets])
        for asset in assets:
            asset.pk = asset.id = ids[asset.number_key]
            asset._state.adding = False
        log.record_many([
            log.Change(action="asset.register", obj=asset, actor=actor, assets=[asset.pk],
                       division_id=asset.division_id, details={"after": snapshot(asset)})
            for asset in assets
        ], batch_size=batch_size)
    except BaseException:
        # Nothing was written (the transaction rolls back): leave handed-in assets unsaved, numbers unallocated.
        for members in wanting_number.values():
            for asset in members:
                asset.number = asset.number_key = ""
        for asset in assets:
            asset.pk = asset.id = None
            asset._state.adding = True
        raise
    return assets


def _check_handed(asset: Asset) -> None:
    """An asset handed to assets_register_bulk: unsaved, its relations model instances the caller loaded."""
    if not isinstance(asset, Asset) or asset.pk is not None or not asset._state.adding:
        raise TypeError(f"assets_register_bulk takes unsaved Assets, not {asset!r}")
    cache = asset._state.fields_cache
    for field in _RELATIONS:
        if getattr(asset, field.attname) is not None and field.name not in cache:
            raise TypeError(f"{field.name} must be set as a model instance the caller loaded (see asset_new)")


def asset_check(asset: Asset) -> None:
    """Raise ValidationError (Thai messages) unless the asset may be saved, without a query.

    For bulk callers that loaded every relation themselves (an import's preview checks each row with
    the same rules the bulk services apply when writing)."""
    _validate(asset, relations_checked=True)


def _stored(asset: Asset, name: str):
    """A field's stored value: the id for a relation (two locations may share a name), else the value."""
    return getattr(asset, Asset._meta.get_field(name).attname)


@transaction.atomic
def assets_update_bulk(*, actor, changes: dict[int, dict], batch_size: int = 2000) -> list[Asset]:
    """Change many assets at once (imports): validated in memory, written in batches, one log entry each.

    `changes` maps an asset's id to the fields to set: EDITABLE_FIELDS (relations as instances the
    caller loaded) and "status" (only between the statuses an officer may set, as in asset_update).
    Rows are locked and compared with their current values; an asset left as it was writes nothing.
    Any bad row refuses the whole call.
    """
    roles.require(actor, "asset.edit")
    for fields in changes.values():
        _check_fields({name: value for name, value in fields.items() if name != "status"})
    ids = sorted(changes)
    query = Asset.objects.select_related("category", "division", "location", "custodian", "acquisition_method",
                                         "budget_type")
    if connection.features.has_select_for_update:
        query = query.select_for_update(of=("self",))
    assets: list[Asset] = []
    for start in range(0, len(ids), 500):
        assets.extend(query.filter(pk__in=ids[start:start + 500]).order_by("pk"))
    errors = [_("ไม่พบครุภัณฑ์รหัส %(id)s ในทะเบียน") % {"id": pk} for pk in sorted(set(ids) - {asset.pk for asset in assets})]
    changed: list[Asset] = []
    entries: list[log.Change] = []
    written: set[str] = set()
    for asset in assets:
        fields = dict(changes[asset.pk])
        status = fields.pop("status", None)
        before = snapshot(asset)
        stored = {name: _stored(asset, name) for name in fields}
        for name, value in fields.items():
            setattr(asset, name, value)
        names = [name for name in fields if _stored(asset, name) != stored[name]]
        if status is not None and status != asset.status:
            if asset.status not in MANUAL_STATUSES or status not in MANUAL_STATUSES:
                errors.append(_("%(number)s: สถานะนี้เปลี่ยนได้จากขั้นตอนงาน (ยืม/คืน/จำหน่าย) เท่านั้น") % {"number": asset.number})
                continue
            asset.status = status
            names.append("status")
        try:
            _validate(asset, relations_checked=True)
        except ValidationError as error:
            errors.append(f"{asset.number}: {describe_error(error)}")
            continue
        if not names:
            continue
        after = snapshot(asset)
        asset.search_text = search_text(asset)
        written.update(names)
        changed.append(asset)
        entries.append(log.Change(action="asset.update", obj=asset, actor=actor, assets=[asset.pk],
                                  division_id=asset.division_id,
                                  details={"changes": {name: [before[name], after[name]] for name in sorted(names)}}))
    if errors:
        raise ValidationError(errors)
    if not changed:
        return []
    now = timezone.now()
    for asset in changed:
        asset.updated_at = now
    Asset.objects.bulk_update(changed, sorted(written) + ["search_text", "updated_at"], batch_size=batch_size)
    log.record_many(entries, batch_size=batch_size)
    return changed


# An asset's everyday life: damage reported, repair, transfer. Each move is one service, logged.
DAMAGE_FROM = frozenset({Status.IN_USE, Status.DETERIORATED})
REPAIR_FROM = frozenset({Status.IN_USE, Status.DAMAGED, Status.DETERIORATED})
TRANSFER_BLOCKED = frozenset({Status.ON_LOAN, Status.DISPOSED})


def _locked(asset: Asset) -> Asset:
    return Asset.objects.select_for_update(of=("self",)).select_related("division", "location", "custodian").get(pk=asset.pk)


def _move_status(*, actor, asset: Asset, action: str, allowed_from: frozenset, to: str, refusal: str,
                 note: str) -> Asset:
    asset = _locked(asset)
    if asset.status not in allowed_from:
        raise ValidationError(refusal % {"status": asset.get_status_display()})
    before = asset.status
    asset.status = to
    asset.save(update_fields=["status", "updated_at"])
    log.record(action, obj=asset, actor=actor, assets=[asset], division_id=asset.division_id,
               details={"changes": {"status": [before, to]}, "note": note})
    return asset


@transaction.atomic
def asset_report_damage(*, actor, asset: Asset, note: str) -> Asset:
    """Anyone signed in (but the read-only auditor) reports an asset as damaged, saying what is wrong."""
    roles.require(actor, "asset.report_damage")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("กรุณาบอกว่าชำรุดอย่างไร")})
    return _move_status(actor=actor, asset=asset, action="asset.report_damage", allowed_from=DAMAGE_FROM,
                        to=Status.DAMAGED, note=note[:1000],
                        refusal=_("แจ้งชำรุดไม่ได้: ครุภัณฑ์นี้มีสถานะ “%(status)s” อยู่แล้ว"))


@transaction.atomic
def asset_send_to_repair(*, actor, asset: Asset, note: str = "") -> Asset:
    roles.require(actor, "asset.repair")
    return _move_status(actor=actor, asset=asset, action="asset.send_to_repair", allowed_from=REPAIR_FROM,
                        to=Status.UNDER_REPAIR, note=(note or "").strip()[:1000],
                        refusal=_("ส่งซ่อมไม่ได้: ครุภัณฑ์นี้มีสถานะ “%(status)s”"))


@transaction.atomic
def asset_return_from_repair(*, actor, asset: Asset, repaired: bool = True, note: str = "") -> Asset:
    """Back from repair: in use again, or still damaged if it could not be fixed."""
    roles.require(actor, "asset.repair")
    return _move_status(actor=actor, asset=asset, action="asset.return_from_repair",
                        allowed_from=frozenset({Status.UNDER_REPAIR}),
                        to=Status.IN_USE if repaired else Status.DAMAGED, note=(note or "").strip()[:1000],
                        refusal=_("รับคืนจากซ่อมไม่ได้: ครุภัณฑ์นี้ไม่ได้อยู่ระหว่างซ่อม (สถานะ “%(status)s”)"))


@transaction.atomic
def asset_transfer(*, actor, asset: Asset, division, location=None, custodian=None, note: str = "") -> Asset:
    """Move an asset to another division, location or custodian (not while it is on loan or disposed)."""
    roles.require(actor, "asset.transfer")
    asset = _locked(asset)
    if asset.status in TRANSFER_BLOCKED:
        raise ValidationError(_("โอนย้ายไม่ได้: ครุภัณฑ์นี้มีสถานะ “%(status)s”") % {"status": asset.get_status_display()})
    if location is not None and location.division_id != division.pk:
        raise ValidationError({"location": _("สถานที่ “%(location)s” ไม่ได้อยู่ใน%(division)s") % {
            "location": location, "division": division}})
    if custodian is not None and not custodian.is_active:
        raise ValidationError({"custodian": _("บัญชีของ %(user)s ถูกปิดแล้ว") % {"user": custodian}})
    before = {"division": str(asset.division), "location": str(asset.location or ""), "custodian": str(asset.custodian or "")}
    asset.division, asset.location, asset.custodian = division, location, custodian
    after = {"division": str(division), "location": str(location or ""), "custodian": str(custodian or "")}
    changes = log.diff(before, after)
    if not changes:
        raise ValidationError(_("ไม่มีอะไรเปลี่ยน: กอง สถานที่ และผู้รับผิดชอบเหมือนเดิม"))
    asset.save(update_fields=["division", "location", "custodian", "updated_at"])
    log.record("asset.transfer", obj=asset, actor=actor, assets=[asset], division_id=division.pk,
               details={"changes": changes, "note": (note or "").strip()[:1000]})
    return asset



def assets_set_workflow_status(*, asset_ids, status: str) -> None:
    """Set the status that a workflow decides (on loan, back from loan, lost...). Only workflow services call
    this, inside their own transaction, after checking permission and state; they log the move themselves
    with these assets linked, so the asset's history shows it."""
    if status not in Status.values:
        raise ValueError(status)
    Asset.objects.filter(pk__in=list(asset_ids)).update(status=status, updated_at=timezone.now())
