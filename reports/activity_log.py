"""The usage log page: auditors, administrators and the head of agency read everything; others their own actions."""

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activity import log
from activity.models import ACTION_LABELS, Entry
from assets.models import Asset
from assets.numbering import number_key
from common.pagination import paginate
from common.spreadsheets import write_csv, write_xlsx
from organization import roles
from organization.models import Division, User
from thai.dates import format_datetime
from thai.forms import ThaiDateField

PER_PAGE = 50
EXPORT_LIMIT = 200_000


def entries_visible_to(user) -> QuerySet[Entry]:
    entries = Entry.objects.order_by("-id")
    if roles.can(user, "activity.view_all"):
        return entries
    if roles.can(user, "activity.view_own"):
        return entries.filter(actor=user)
    return entries.none()


class LogFilterForm(forms.Form):
    date_from = ThaiDateField(label=_("ตั้งแต่วันที่"), required=False)
    date_to = ThaiDateField(label=_("ถึงวันที่"), required=False)
    actor = forms.ModelChoiceField(label=_("ผู้ทำรายการ"), queryset=User.objects.order_by("username"), required=False,
                                   empty_label=_("ทั้งหมด"))
    action = forms.ChoiceField(label=_("การกระทำ"), required=False)
    division = forms.ModelChoiceField(label=_("กอง"), queryset=Division.objects.all(), required=False,
                                      empty_label=_("ทั้งหมด"))
    asset = forms.CharField(label=_("หมายเลขครุภัณฑ์"), required=False, max_length=60)

    def __init__(self, *args, can_view_all: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("ทั้งหมด"))] + [(code, label) for code, label in ACTION_LABELS.items()]
        if not can_view_all:
            del self.fields["actor"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น"))
        return data

    def apply(self, entries: QuerySet[Entry]) -> QuerySet[Entry]:
        if not self.is_bound:
            return entries
        if not self.is_valid():  # the errors are shown; listing everything instead would look like an answer
            return entries.none()
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            entries = entries.filter(created_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, zone))
        if data.get("date_to"):
            entries = entries.filter(created_at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1),
                                                                        dt.time.min, zone))
        if data.get("actor"):
            entries = entries.filter(actor=data["actor"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("division"):
            entries = entries.filter(division_id=data["division"].pk)
        if data.get("asset"):
            asset_id = Asset.objects.filter(number_key=number_key(data["asset"])).values_list("id", flat=True).first()
            entries = entries.filter(asset_links__asset_id=asset_id if asset_id else -1)
        return entries

    def description(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: str(value) for name, value in self.cleaned_data.items() if value not in (None, "")}


def _rows(entries, divisions: dict) -> list[tuple]:
    return [
        (format_datetime(entry.created_at), entry.actor_name, entry.action_label, entry.object_repr,
         divisions.get(entry.division_id, ""), entry.details_json)
        for entry in entries
    ]


EXPORT_HEADERS = [_("เวลา"), _("ผู้ทำรายการ"), _("การกระทำ"), _("รายการ"), _("กอง"), _("รายละเอียด")]


def activity_log(request):
    roles.require(request.user, "activity.view_own")
    can_view_all = roles.can(request.user, "activity.view_all")
    form = LogFilterForm(request.GET or None, can_view_all=can_view_all)
    entries = form.apply(entries_visible_to(request.user))
    divisions = dict(Division.objects.values_list("id", "name"))
    export = request.GET.get("export")
    if export in ("csv", "xlsx") and not (form.is_bound and not form.is_valid()):
        return _export(request, entries, divisions, export, form)
    page, rows = paginate(entries, request.GET.get("page"), PER_PAGE)
    for entry in rows:
        entry.division_name = divisions.get(entry.division_id, "")
    return render(request, "reports/activity_log.html", {
        "form": form, "page": page, "rows": rows, "can_view_all": can_view_all,
    })


def _export(request, entries, divisions, kind: str, form) -> HttpResponse:
    rows = _rows(entries[:EXPORT_LIMIT].iterator(chunk_size=2000), divisions)
    headers = [str(header) for header in EXPORT_HEADERS]
    log.record("activity.export", actor=request.user, object_type="activity.entry",
               object_repr=f"บันทึกการใช้งาน {len(rows)} รายการ",
               details={"format": kind, "filters": form.description(), "rows": len(rows)})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "csv":
        response = HttpResponse(write_csv(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(write_xlsx(headers, rows, gettext("บันทึกการใช้งาน")),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="activity-log-{stamp}.{kind}"'
    return response
