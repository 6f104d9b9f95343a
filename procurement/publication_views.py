"""The disclosures page (signed in, every role): for a fiscal year, the annual plan, the twelve months' สขร.1 and
the yearly summary, with their PDF and XLSX and whether (when, where) each was published; and the fiscal
year's announcements and results. Publishing a procurement's announcement or result is recorded here
(`publish`); publishing one of the three documents is recorded by reports.procurement_docs.publish_document,
which renders the PDF that is kept (this app may not import the reports layer, which renders PDFs).
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.ids import database_id
from common.pagination import paginate
from organization import roles
from thai.dates import BE_OFFSET, ThaiDateError, fiscal_year as fiscal_year_of, fiscal_year_bounds, parse_date

from . import disclosure, services
from .models import Procurement, Publication

K = Publication.Kind
DOCUMENT_KINDS = (K.PLAN, K.MONTHLY, K.YEARLY)  # rendered and kept as PDF when published
PROCUREMENT_KINDS = (K.ANNOUNCEMENT, K.RESULT)
MAX_UPLOAD = 10 * 1024 * 1024
PAGE_SIZE = 50
NOTICE_BOARD = "board"
WEBSITE = "web"


def disclosures_url(fiscal_year: int | None = None) -> str:
    url = reverse("procurement:disclosures")
    return f"{url}?year={fiscal_year}" if fiscal_year else url


def is_url(where: str) -> bool:
    return (where or "").startswith(("https://", "http://"))


# --- the publish form, shared with reports.procurement_docs.publish_document -----------------------------------

def read_publication(request) -> dict:
    """The publish form's fields, checked: kind, fiscal_year, month (its first day, for a สขร.1), procurement,
    published_on, where and thai_digits. Raises ValidationError with a Thai message."""
    data = request.POST
    if any("\x00" in value for _name, values in data.lists() for value in values):
        raise ValidationError(_("ข้อมูลที่ส่งมาอ่านไม่ได้"))  # a NUL character: PostgreSQL cannot store it
    kind = data.get("kind", "")
    if kind not in K.values:
        raise ValidationError(_("ประเภทการเผยแพร่ไม่ถูกต้อง"))
    fields = {"kind": kind, "fiscal_year": None, "month": None, "procurement": None,
              "thai_digits": data.get("digits") == "thai"}
    today = timezone.localdate()
    if kind in (K.PLAN, K.YEARLY):
        fields["fiscal_year"] = disclosure.check_year(data.get("fiscal_year"))
    elif kind == K.MONTHLY:
        month = disclosure.check_month(data.get("year"), data.get("month"))
        if month > today:
            raise ValidationError(_("ยังไม่ถึงเดือน%(month)s: เผยแพร่ สขร.1 ของเดือนนี้ไม่ได้")
                                  % {"month": disclosure.month_label(month)})
        fields["month"], fields["fiscal_year"] = month, fiscal_year_of(month)
    else:
        number = database_id(data.get("procurement"))
        procurement = None
        if number is not None:
            procurement = Procurement.objects.select_related("winner").filter(pk=number).first()
        if procurement is None:
            raise ValidationError(_("ไม่พบรายการจัดซื้อจัดจ้างที่ระบุ"))
        if procurement.status == Procurement.Status.CANCELLED:
            raise ValidationError(_("รายการนี้ยกเลิกแล้ว: บันทึกการเผยแพร่ไม่ได้"))
        fields["procurement"], fields["fiscal_year"] = procurement, procurement.fiscal_year
    try:
        published_on = parse_date(data.get("published_on", ""))
    except ThaiDateError as error:
        raise ValidationError(_("วันที่เผยแพร่: %(error)s") % {"error": error}) from None
    if published_on > today:
        raise ValidationError(_("วันที่เผยแพร่ต้องไม่เกินวันนี้"))
    fields["published_on"] = published_on
    fields["where"] = _where(data)
    return fields


def _where(data) -> str:
    channel = data.get("channel", "")
    if channel == WEBSITE:
        url = (data.get("url") or "").strip()
        if not url:
            raise ValidationError(_("กรุณากรอก URL ของหน้าที่เผยแพร่"))
        if len(url) > 500:
            raise ValidationError(_("URL ยาวเกิน 500 ตัวอักษร"))
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(_("URL “%(url)s” ไม่ถูกต้อง: ต้องขึ้นต้นด้วย https:// หรือ http:// เช่น "
                                    "https://www.example.go.th/news/123") % {"url": url[:100]}) from None
        return url
    if channel == NOTICE_BOARD:
        detail = " ".join((data.get("board") or "").split())[:400]
        board = _("บอร์ดประชาสัมพันธ์")
        return f"{board} ({detail})" if detail else board
    raise ValidationError(_("กรุณาเลือกช่องทางที่เผยแพร่: เว็บไซต์ (URL) หรือบอร์ดประชาสัมพันธ์"))


def already_published(fields: dict) -> bool:
    kind = fields["kind"]
    rows = Publication.objects.filter(kind=kind)
    if kind == K.MONTHLY:
        return rows.filter(month=fields["month"]).exists()
    if kind in PROCUREMENT_KINDS:
        return rows.filter(procurement=fields["procurement"]).exists()
    return rows.filter(fiscal_year=fields["fiscal_year"]).exists()


def back_to(request, fiscal_year: int | None):
    """Where a publish form returns: its `next` (a page of this site), else the disclosures page of the year."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(disclosures_url(fiscal_year))


def _uploaded_pdf(request) -> bytes | None:
    upload = request.FILES.get("file")
    if upload is None:
        return None
    if upload.size > MAX_UPLOAD:
        raise ValidationError(_("ไฟล์มีขนาดเกิน %(size)s MB") % {"size": MAX_UPLOAD // (1024 * 1024)})
    content = upload.read()
    if not content.startswith(b"%PDF-"):
        raise ValidationError(_("ไฟล์ประกาศต้องเป็น PDF"))
    return content


@require_POST
def publish(request):
    """Record that a procurement's invitation (ประกาศเชิญชวน) or result (ประกาศผู้ชนะ) was published, with the
    signed PDF when one is attached. The plan, สขร.1 and yearly summary go to reports' publish_document."""
    roles.require(request.user, "procurement.publish")
    fiscal_year = None
    try:
        fields = read_publication(request)
        fiscal_year = fields["fiscal_year"]
        if fields["kind"] not in PROCUREMENT_KINDS:
            raise ValidationError(_("ประเภทการเผยแพร่ไม่ถูกต้อง"))
        content = _uploaded_pdf(request)
        if already_published(fields):
            raise ValidationError(_("รายการนี้บันทึกการเผยแพร่ไว้แล้ว"))
        procurement = fields["procurement"]
        services.publication_record(
            actor=request.user, kind=fields["kind"], fiscal_year=fiscal_year, published_on=fields["published_on"],
            where=fields["where"], procurement=procurement, content=content,
            file_name=f"{fields['kind']}-{procurement.pk}.pdf")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("บันทึกการเผยแพร่%(kind)s “%(title)s” แล้ว")
                         % {"kind": K(fields["kind"]).label, "title": procurement.title[:80]})
    return back_to(request, fiscal_year)


# --- the page ---------------------------------------------------------------------------------------------------

def _with_link(publication: Publication | None) -> Publication | None:
    """The publication, with .where_link set to its URL when it was published on a website."""
    if publication is not None:
        publication.where_link = publication.where if is_url(publication.where) else ""
    return publication


def _years(current: int) -> list[int]:
    years = set(Procurement.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    years |= set(Publication.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    years.add(current)
    return sorted(years, reverse=True)


def _documents(fiscal_year: int, publications: list[Publication]) -> list[dict]:
    """The plan, the twelve months (October to September) and the yearly summary, with their links and state."""
    kept = {(pub.kind, pub.month): _with_link(pub) for pub in publications if pub.kind in DOCUMENT_KINDS}
    start, end = fiscal_year_bounds(fiscal_year)
    active = Procurement.objects.exclude(status=Procurement.Status.CANCELLED)
    counts = dict(active.filter(contract_date__gte=start, contract_date__lte=end).order_by()
                  .annotate(first=TruncMonth("contract_date")).values("first").annotate(n=Count("id"))
                  .values_list("first", "n"))
    counts = {(first.date() if isinstance(first, dt.datetime) else first): n for first, n in counts.items()}
    in_year = active.filter(fiscal_year=fiscal_year).count()
    today = timezone.localdate()
    rows = [{"kind": K.PLAN, "label": _("แผนการจัดซื้อจัดจ้างประจำปีงบประมาณ พ.ศ. %(year)s") % {"year": fiscal_year},
             "count": in_year, "publication": kept.get((K.PLAN, None)), "can_publish": True,
             "pdf": reverse("reports:procurement_plan_pdf", args=[fiscal_year]),
             "xlsx": reverse("reports:procurement_plan_xlsx", args=[fiscal_year])}]
    for first in disclosure.fiscal_months(fiscal_year):
        year_be, month = first.year + BE_OFFSET, first.month
        rows.append({"kind": K.MONTHLY, "label": _("สขร.1 เดือน%(month)s") % {"month": disclosure.month_label(first)},
                     "count": counts.get(first, 0), "publication": kept.get((K.MONTHLY, first)),
                     "can_publish": first <= today, "year": year_be, "month": month,
                     "pdf": reverse("reports:sor_khor_1_pdf", args=[year_be, month]),
                     "xlsx": reverse("reports:sor_khor_1_xlsx", args=[year_be, month])})
    rows.append({"kind": K.YEARLY,
                 "label": _("สรุปผลการจัดซื้อจัดจ้างประจำปีงบประมาณ พ.ศ. %(year)s") % {"year": fiscal_year},
                 "count": in_year, "publication": kept.get((K.YEARLY, None)), "can_publish": True,
                 "pdf": reverse("reports:procurement_yearly_pdf", args=[fiscal_year]),
                 "xlsx": reverse("reports:procurement_yearly_xlsx", args=[fiscal_year])})
    return rows


def _procurement_rows(request, fiscal_year: int):
    """The fiscal year's procurements that can have (or have) an announcement or result published, newest
    first, a page at a time, each with its two publications."""
    S = Procurement.Status
    published = Publication.objects.filter(procurement=OuterRef("pk"))
    queryset = (Procurement.objects.filter(fiscal_year=fiscal_year)
                .filter(~Q(status__in=[S.PLANNED, S.CANCELLED]) | Q(Exists(published)))
                .select_related("winner").prefetch_related("publications").order_by("-id"))
    page, rows = paginate(queryset, request.GET.get("page"), PAGE_SIZE)
    for row in rows:
        kept = {pub.kind: pub for pub in row.publications.all()}
        row.announcement, row.result = kept.get(K.ANNOUNCEMENT), kept.get(K.RESULT)
        open_ = row.status != S.CANCELLED
        row.can_announce = open_ and row.status != S.PLANNED and row.announcement is None
        row.can_result = open_ and row.winner_id is not None and row.result is None
        row.slots = [(_with_link(row.announcement), K.ANNOUNCEMENT, row.can_announce),
                     (_with_link(row.result), K.RESULT, row.can_result)]
    return page, rows


def disclosures(request):
    roles.require(request.user, "procurement.view")
    today = timezone.localdate()
    fiscal_year, error = fiscal_year_of(today), ""
    if request.GET.get("year"):
        try:
            fiscal_year = disclosure.check_year(request.GET["year"])
        except ValidationError as problem:
            error = " ".join(problem.messages)
    publications = list(Publication.objects.filter(fiscal_year=fiscal_year, kind__in=DOCUMENT_KINDS))
    page, rows = _procurement_rows(request, fiscal_year)
    return render(request, "procurement/disclosures.html", {
        "fiscal_year": fiscal_year, "years": _years(fiscal_year_of(today)), "error": error,
        "documents": _documents(fiscal_year, publications), "page": page, "rows": rows, "today": today,
        "can_publish": roles.can(request.user, "procurement.publish"),
        "document_action": reverse("reports:procurement_publish_document"),
        "procurement_action": reverse("procurement:publish"),
    }, status=400 if error else 200)
