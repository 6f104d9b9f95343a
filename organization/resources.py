"""django-import-export resources of the organisation's tables: staff, divisions, locations, public holidays.

Headers are Thai, as the set-up area shows them; the spellings municipalities use are in `organization.tables`.
Every resource checks each instance with full_clean, reports a row that would change nothing as unchanged, and
logs what it writes with the actor (`LoggedResource`). Widget errors are Thai and say what to do.
"""

import difflib
import re

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from activity import log
from thai.dates import ThaiDateError, format_date, parse_date
from thai.digits import to_arabic_digits

from . import roles, services
from .models import Division, Holiday, Location, User

_COMPACT = re.compile(r"[\s\-_/.,()]+")


def compact(text) -> str:
    return _COMPACT.sub("", to_arabic_digits(str(text or ""))).lower()


class Flag(widgets.Widget):
    """ใช้งาน / ไม่ใช้งาน (also ใช่, ไม่, 1, 0, ✓). A blank cell leaves the value as it is (new rows: active)."""

    YES = {"1", "ใช่", "ใช้งาน", "ใช้", "เปิด", "true", "yes", "y", "x", "✓", "✔", "/", "inuse", "active"}
    NO = {"0", "ไม่", "ไม่ใช้งาน", "ไม่ใช้", "ปิด", "ยกเลิก", "เลิกใช้", "false", "no", "n", "-", "notinuse", "inactive"}

    def clean(self, value, row=None, **kwargs):
        text = compact(value)
        if not text:
            return None
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("“%(value)s” ไม่ใช่ ใช้งาน หรือ ไม่ใช้งาน: กรอก ใช้งาน / ไม่ใช้งาน (หรือ 1 / 0)")
                         % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "ใช้งาน" if value else "ไม่ใช้งาน"  # the file's words whatever the page's language: it is read back


class Count(widgets.Widget):
    """A whole number written as people write it (๑๒, 12.0, "10 ปี")."""

    def __init__(self, unit: str = ""):
        self.unit = unit
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        text = to_arabic_digits(str(value or "")).replace(self.unit, "").replace(",", "").strip()
        if not text:
            return None
        if re.fullmatch(r"\d+(?:\.0+)?", text):
            return int(float(text))
        raise ValueError(_("“%(value)s” ไม่ใช่จำนวนเต็ม: กรอกเป็นตัวเลข เช่น 5") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class ThaiDate(widgets.Widget):
    """A date as written in Thai lists: 1 ม.ค. 2569, วันพฤหัสบดีที่ 1 มกราคม 2569, 01/01/2569, 2026-01-01."""

    _WEEKDAY = re.compile(r"^วัน(?:อาทิตย์|จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์)\s*(?:ที่)?\s*")

    def clean(self, value, row=None, **kwargs):
        text = self._WEEKDAY.sub("", str(value or "").strip())
        text = re.sub(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(?::00)?$", r"\1", text)  # a date cell read as a datetime
        if not text:
            raise ValueError(_("ไม่ได้กรอกวันที่: กรอกเป็น วว/ดด/ปปปป พ.ศ. เช่น 01/01/2569"))
        try:
            return parse_date(text)
        except ThaiDateError as error:
            raise ValueError(str(error)) from None

    def render(self, value, obj=None, **kwargs):
        return format_date(value) if value else ""


class DivisionChoice(widgets.Widget):
    """A division named by its code or its name (spaces and dots ignored); an unknown one is refused with the
    closest names, since a division is created on purpose, never from a typo."""

    def __init__(self, required: bool = False):
        self.required = required
        self._by_key = None
        super().__init__()

    def _divisions(self) -> dict[str, Division]:
        if self._by_key is None:
            self._by_key = {}
            for division in Division.objects.all():
                self._by_key.setdefault(compact(division.code), division)
                self._by_key[compact(division.name)] = division
        return self._by_key

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            if self.required:
                raise ValueError(_("ไม่ได้กรอกกอง: กรอกชื่อหรือรหัสกองตามรายชื่อกอง"))
            return None
        division = self._divisions().get(compact(text))
        if division is None:
            self._by_key = None  # a division imported a moment ago (or in another tab) is found next time
            division = self._divisions().get(compact(text))
        if division is None:
            names = sorted({d.name for d in self._divisions().values()})
            close = difflib.get_close_matches(text, names, n=3, cutoff=0.5)
            hint = (_(" ชื่อใกล้เคียง: %(names)s") % {"names": ", ".join(close)}) if close else ""
            raise ValueError(_("ไม่พบกอง “%(value)s” ในรายชื่อกอง: แก้ให้ตรงกับชื่อหรือรหัสกอง "
                               "หรือนำเข้ารายชื่อกองก่อน.%(hint)s") % {"value": text, "hint": hint})
        return division

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class LoggedResource(resources.ModelResource):
    """Each instance checked with full_clean; a row that changes nothing is reported unchanged; every write is
    logged as the admin's edits are (`<model>.create` / `<model>.update`), with the actor passed to import_data."""

    logged_fields: tuple[str, ...] | None = None

    class Meta:
        abstract = True

    def _values(self, instance) -> dict:
        return model_to_dict(instance, fields=self.logged_fields)

    def before_import(self, dataset, **kwargs):
        for resource_field in self.fields.values():  # lookups are read afresh for every file
            if isinstance(resource_field.widget, DivisionChoice):
                resource_field.widget._by_key = None

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._log_before = {} if new else self._values(instance)

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        after = self._values(instance)
        before = getattr(instance, "_log_before", {})
        name = instance._meta.model_name
        if before:
            changes = log.diff(before, after)
            if changes:
                log.record(f"{name}.update", obj=instance, actor=kwargs.get("actor"),
                           details={"changes": changes, "source": "spreadsheet"})
        else:
            log.record(f"{name}.create", obj=instance, actor=kwargs.get("actor"),
                       details={"after": after, "source": "spreadsheet"})


def _free_code(taken: set[str], prefix: str, width: int) -> str:
    number = 1
    while f"{prefix}{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}{number:0{width}d}"


class DivisionResource(LoggedResource):
    """A row is a division: found by its code, or by its name when the file has no codes (a new one then gets the
    next free two-digit code)."""

    code = fields.Field(attribute="code", column_name="รหัส")
    name = fields.Field(attribute="name", column_name="ชื่อกอง/ส่วนราชการ")
    order = fields.Field(attribute="order", column_name="ลำดับ", widget=Count(), saves_null_values=False)
    is_active = fields.Field(attribute="is_active", column_name="ใช้งาน", widget=Flag(), saves_null_values=False)

    class Meta:
        model = Division
        fields = ("code", "name", "order", "is_active")
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        code, name = str(row.get("รหัส") or "").strip(), str(row.get("ชื่อกอง/ส่วนราชการ") or "").strip()
        if code:
            return Division.objects.filter(code=code).first()
        return next((d for d in Division.objects.all() if compact(d.name) == compact(name)), None) if name else None

    def before_import_row(self, row, **kwargs):
        if not str(row.get("รหัส") or "").strip():
            existing = self.get_instance(None, row)
            row["รหัส"] = existing.code if existing else _free_code(
                set(Division.objects.values_list("code", flat=True)), "", 2)
        if not str(row.get("ชื่อกอง/ส่วนราชการ") or "").strip():
            raise ValidationError({"name": _("ไม่ได้กรอกชื่อกอง: กรอกชื่อกองหรือส่วนราชการ")})

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None and "ลำดับ" not in row:
            instance.order = Division.objects.count() + 1


class LocationResource(LoggedResource):
    """A row is a place in a division: found by division and code, or division and name."""

    division = fields.Field(attribute="division", column_name="กอง", widget=DivisionChoice(required=True))
    code = fields.Field(attribute="code", column_name="รหัส")
    name = fields.Field(attribute="name", column_name="ชื่อสถานที่")
    is_active = fields.Field(attribute="is_active", column_name="ใช้งาน", widget=Flag(), saves_null_values=False)

    class Meta:
        model = Location
        fields = ("division", "code", "name", "is_active")
        import_id_fields = ("division", "code")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def _division(self, row):
        try:
            return self.fields["division"].widget.clean(row.get("กอง"))
        except ValueError:
            return None  # the row is refused when its division is read

    def get_instance(self, instance_loader, row):
        division = self._division(row)
        if division is None:
            return None
        code, name = str(row.get("รหัส") or "").strip(), str(row.get("ชื่อสถานที่") or "").strip()
        places = Location.objects.filter(division=division)
        if code:
            return places.filter(code=code).first()
        return next((p for p in places if compact(p.name) == compact(name)), None) if name else None

    def before_import_row(self, row, **kwargs):
        if not str(row.get("ชื่อสถานที่") or "").strip():
            raise ValidationError({"name": _("ไม่ได้กรอกชื่อสถานที่")})
        if not str(row.get("รหัส") or "").strip():
            existing = self.get_instance(None, row)
            division = self._division(row)
            if existing:
                row["รหัส"] = existing.code
            elif division is not None:
                row["รหัส"] = _free_code(set(division.locations.values_list("code", flat=True)), "L", 3)


class HolidayResource(LoggedResource):
    date = fields.Field(attribute="date", column_name="วันที่", widget=ThaiDate())
    name = fields.Field(attribute="name", column_name="ชื่อวันหยุด")

    class Meta:
        model = Holiday
        fields = ("date", "name")
        import_id_fields = ("date",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        try:
            return Holiday.objects.filter(date=ThaiDate().clean(row.get("วันที่"))).first()
        except ValueError:
            return None


# --- staff ----------------------------------------------------------------------------------------

_PREFIX = re.compile(r"^(นาย|นางสาว|นาง|น\.ส\.|(?:จ่า)?สิบ(?:เอก|โท|ตรี)|ร้อย(?:เอก|โท|ตรี)|พัน(?:เอก|โท|ตรี)|ว่าที่\s*ร\.?\s*[ตทอ]\.?(?:หญิง)?|ว่าที่ร้อย(?:ตรี|โท|เอก)(?:หญิง)?|"
                     r"จ\.ส\.[ตทอ]\.|ส\.[ตทอ]\.|ร\.[ตทอ]\.|พ\.[ตทอ]\.|ด\.ต\.|ดร\.)\s*")
ROLE_WORDS = {  # the words people write in a staff list's role column, beside the role labels themselves
    roles.STAFF: ("เจ้าหน้าที่", "ผู้ยืม", "บุคลากร", "พนักงาน", "staff"),
    roles.DIVISION_HEAD: ("หัวหน้ากอง", "ผู้อำนวยการกอง", "ผอ.กอง", "หัวหน้าส่วนราชการ", "division head"),
    roles.PROPERTY_OFFICER: ("เจ้าหน้าที่พัสดุ", "เจ้าพนักงานพัสดุ", "นักวิชาการพัสดุ", "property officer"),
    roles.SUPPLY_HEAD: ("หัวหน้าหน่วยพัสดุ", "หัวหน้าเจ้าหน้าที่", "หัวหน้าพัสดุ", "supply head"),
    roles.AGENCY_HEAD: ("หัวหน้าหน่วยงาน", "ผู้ได้รับมอบอำนาจ", "นายกเทศมนตรี", "agency head"),
    roles.AUDITOR: ("ผู้ตรวจสอบ", "ผู้ตรวจสอบภายใน", "auditor"),
    roles.ADMINISTRATOR: ("ผู้ดูแลระบบ", "แอดมิน", "admin", "administrator"),
}
_ROLE_BY_WORD = {compact(word): role for role, words in ROLE_WORDS.items() for word in (*words, role)}
with translation.override("th"):
    _ROLE_BY_WORD.update({compact(str(label)): role for role, label in roles.ROLE_LABELS.items()})
_ROLE_SPLIT = re.compile(r"[,;\n|]+|\s+และ\s+")
_USERNAME = re.compile(r"^[\w.@+-]+$")


def split_name(full: str) -> tuple[str, str]:
    """"นายสมชาย ใจดี" → ("นายสมชาย", "ใจดี"): the title stays with the first name, as documents print it."""
    text = re.sub(r"\s+", " ", str(full or "")).strip()
    match = _PREFIX.match(text)
    prefix, rest = (match[1], text[match.end():]) if match else ("", text)
    first, _space, last = rest.partition(" ")
    return prefix + first, last.strip()


def parse_roles(text) -> set[str]:
    """Role names from a cell ("หัวหน้ากอง, เจ้าหน้าที่"); ValueError (Thai) naming a word that is no role."""
    found, unknown = set(), []
    for part in _ROLE_SPLIT.split(str(text or "")):
        if not part.strip():
            continue
        role = _ROLE_BY_WORD.get(compact(part))
        if role is None:
            unknown.append(part.strip())
        else:
            found.add(role)
    if unknown:
        raise ValueError(_("ไม่รู้จักบทบาท %(words)s: ใช้ %(known)s (คั่นด้วยจุลภาค)") % {
            "words": ", ".join(f"“{word}”" for word in unknown),
            "known": ", ".join(str(label) for label in roles.ROLE_LABELS.values())})
    return found


class StaffResource(LoggedResource):
    """A row is a member of staff, found by username, or else by first and last name. Someone new gets an account
    without a password (they set one through their first-sign-in link) and, when the file names no role, the
    role of staff. The role column, when filled, is the whole set of the person's roles."""

    logged_fields = ("username", "first_name", "last_name", "email", "division", "position", "phone", "is_active")
    # errors of these row keys are shown under these columns
    problem_columns = {"roles": "บทบาท", "full_name": "ชื่อ-สกุล"}

    username = fields.Field(attribute="username", column_name="ชื่อผู้ใช้")
    prefix = fields.Field(column_name="คำนำหน้า", readonly=True)
    full_name = fields.Field(column_name="ชื่อ-สกุล", readonly=True)
    first_name = fields.Field(attribute="first_name", column_name="ชื่อ")
    last_name = fields.Field(attribute="last_name", column_name="นามสกุล")
    position = fields.Field(attribute="position", column_name="ตำแหน่ง")
    division = fields.Field(attribute="division", column_name="กอง", widget=DivisionChoice())
    roles = fields.Field(column_name="บทบาท", readonly=True)
    email = fields.Field(attribute="email", column_name="อีเมล")
    phone = fields.Field(attribute="phone", column_name="โทรศัพท์")
    is_active = fields.Field(attribute="is_active", column_name="ใช้งาน", widget=Flag(), saves_null_values=False)

    class Meta:
        model = User
        fields = ("username", "prefix", "full_name", "first_name", "last_name", "position", "division", "roles", "email",
                  "phone", "is_active")
        import_id_fields = ("username",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._roles: dict[int, set[str] | None] = {}

    def dehydrate_roles(self, user):
        names = {group.name for group in user.groups.all()} | ({roles.ADMINISTRATOR} if user.is_superuser else set())
        with translation.override("th"):  # the file is read back whatever the page's language
            return ", ".join(str(label) for role, label in roles.ROLE_LABELS.items() if role in names)

    def dehydrate_full_name(self, user):
        return user.get_full_name()

    def dehydrate_prefix(self, user):
        return ""

    def get_export_fields(self, selected_fields=None):
        return [f for f in super().get_export_fields(selected_fields) if f.column_name not in ("ชื่อ-สกุล", "คำนำหน้า")]

    def get_queryset(self):
        return User.objects.select_related("division").prefetch_related("groups").order_by(
            "division__order", "division__code", "username")

    # --- rows -----------------------------------------------------------------------------------

    @staticmethod
    def _names(row) -> tuple[str, str]:
        first, last = str(row.get("ชื่อ") or "").strip(), str(row.get("นามสกุล") or "").strip()
        if not first and not last and str(row.get("ชื่อ-สกุล") or "").strip():
            first, last = split_name(row["ชื่อ-สกุล"])
        prefix = str(row.get("คำนำหน้า") or "").strip()
        if prefix and first and not first.startswith(prefix):
            first = prefix + first  # the title stays with the first name, as documents print it
        return first, last

    def get_instance(self, instance_loader, row):
        username = str(row.get("ชื่อผู้ใช้") or "").strip()
        if username:
            return User.objects.filter(username__iexact=username).first()
        first, last = self._names(row)
        same = list(User.objects.filter(first_name=first, last_name=last)[:2]) if first else []
        if len(same) > 1:
            raise ValidationError({"full_name": _(
                "มีบุคลากรชื่อ “%(name)s” มากกว่าหนึ่งคน: เพิ่มคอลัมน์ “ชื่อผู้ใช้” เพื่อบอกว่าแถวนี้คือใคร")
                % {"name": f"{first} {last}".strip()}})
        return same[0] if same else None

    def before_import_row(self, row, **kwargs):
        errors = {}
        first, last = self._names(row)
        if not first:
            errors["full_name"] = _("ไม่ได้กรอกชื่อ: กรอกคอลัมน์ “ชื่อ-สกุล” หรือ “ชื่อ” และ “นามสกุล”")
        row["ชื่อ"], row["นามสกุล"] = first, last
        try:
            given = parse_roles(row.get("บทบาท")) if str(row.get("บทบาท") or "").strip() else None
        except ValueError as error:
            errors["roles"], given = str(error), None
        self._roles[kwargs.get("row_number")] = given
        existing = self.get_instance(None, row)
        username = str(row.get("ชื่อผู้ใช้") or "").strip()
        if username and not _USERNAME.match(username):
            errors["username"] = _("ชื่อผู้ใช้ “%(value)s” ใช้ได้เฉพาะตัวอักษร ตัวเลข และ . @ + - _ (ไม่มีช่องว่าง)") % {
                "value": username}
        elif existing is not None:
            row["ชื่อผู้ใช้"] = existing.username
        elif not username:
            row["ชื่อผู้ใช้"] = self._new_username(str(row.get("อีเมล") or ""))
        actor = kwargs.get("actor")
        try:
            active = Flag().clean(row.get("ใช้งาน"))
        except ValueError:
            active = None  # the column's own error is given when the field is read
        if existing is not None and actor is not None and existing.pk == actor.pk:
            if given is not None and roles.ADMINISTRATOR in roles.roles_of(actor) and roles.ADMINISTRATOR not in given \
                    and not actor.is_superuser:
                errors["roles"] = _("แถวนี้เป็นบัญชีของคุณเอง: ถอดบทบาทผู้ดูแลระบบของตนเองไม่ได้")
            if active is False:
                errors["is_active"] = _("แถวนี้เป็นบัญชีของคุณเอง: ปิดบัญชีของตนเองไม่ได้")
        self._row_errors = errors  # given with the fields' and the model's own errors (every reason at once)

    def import_instance(self, instance, row, **kwargs):
        errors = {key: [message] for key, message in getattr(self, "_row_errors", {}).items()}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _new_username(email: str) -> str:
        """From the e-mail's name part when it is free, else staff0001, staff0002, …"""
        local = email.strip().partition("@")[0].lower()
        if local and _USERNAME.match(local) and not User.objects.filter(username__iexact=local).exists():
            return local
        taken = {name.lower() for name in User.objects.filter(username__istartswith="staff")
                 .values_list("username", flat=True)}
        return _free_code(taken, "staff", 4)

    def _values(self, instance) -> dict:
        values = super()._values(instance)
        if instance.pk is not None:
            values["roles"] = sorted(set(instance.groups.values_list("name", flat=True)) & roles.ALL_ROLES)
        return values

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged when no field differs and the roles, if the row gives them, are the person's roles."""
        if original is None or original.pk is None or not super().skip_row(instance, original, row,
                                                                              import_validation_errors):
            return False
        given = self._roles.get(self._row_number)
        return given is None or set(original.groups.values_list("name", flat=True)) & roles.ALL_ROLES == given

    _row_number = None

    def import_row(self, row, instance_loader, **kwargs):
        self._row_number = kwargs.get("row_number")
        return super().import_row(row, instance_loader, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if new:
            instance.set_unusable_password()  # they set it through their first-sign-in link

    def after_save_instance(self, instance, row, **kwargs):
        given = self._roles.get(kwargs.get("row_number"))
        if given is None and instance._log_before == {}:
            given = {roles.STAFF}
        if given is not None and given != services.role_names(instance):
            services.roles_set(instance, given)
        super().after_save_instance(instance, row, **kwargs)
