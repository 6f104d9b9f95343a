"""The public procurement page (no sign-in): what has been published, and only that.

Every row shown is a Publication dated today or earlier: the annual plan, invitations (title, method,
amount, date announced), results (title, winner, agreed price, date), the months' สขร.1 and the yearly
summaries, each with the file kept when it was published. The page is built from the public fields
alone (never the people who recorded it, internal notes, e-GP flags, or anything not published), and
a stored file is served only for a publication; anything else is a 404.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from thai.dates import BE_OFFSET, fiscal_year as fiscal_year_of

from . import disclosure
from .models import Publication
from .publication_views import is_url

K = Publication.Kind


def _published():
    return Publication.objects.filter(published_on__lte=timezone.localdate())


def _item(publication: Publication) -> dict:
    """The public fields of one publication."""
    item = {"published_on": publication.published_on, "where": publication.where,
            "where_link": publication.where if is_url(publication.where) else "",
            "file_url": reverse("public_procurement_file", args=[publication.pk]) if publication.file else ""}
    procurement = publication.procurement
    if publication.kind == K.MONTHLY and publication.month:
        item["title"] = disclosure.month_label(publication.month)
    elif procurement is not None:
        item.update(title=procurement.title, method=disclosure.method_label(procurement.method),
                    amount=procurement.amount, reference_price=procurement.reference_price,
                    announced_on=procurement.announced_on)
        if publication.kind == K.RESULT:
            item.update(winner=procurement.winner.bidder if procurement.winner else "",
                        agreed_price=procurement.agreed_price)
    return item


@login_not_required
@require_safe
def public_list(request):
    published = _published()
    years = list(published.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())
    fiscal_year, error = (years[0] if years else fiscal_year_of(timezone.localdate())), ""
    if request.GET.get("year"):
        try:
            fiscal_year = disclosure.check_year(request.GET["year"])
        except ValidationError as problem:
            error = " ".join(problem.messages)
    rows = (published.filter(fiscal_year=fiscal_year).select_related("procurement__winner")
            .order_by("month", "published_on", "id"))
    sections = {kind: [] for kind in K.values}
    for publication in rows:
        sections[publication.kind].append(_item(publication))
    return render(request, "procurement/public.html", {
        "fiscal_year": fiscal_year, "years": years, "error": error,
        "plans": sections[K.PLAN], "announcements": sections[K.ANNOUNCEMENT], "results": sections[K.RESULT],
        "months": sections[K.MONTHLY], "yearly": sections[K.YEARLY],
    }, status=400 if error else 200)


def _download_name(publication: Publication) -> str:
    if publication.kind == K.MONTHLY and publication.month:
        return f"สขร.1-{publication.month.year + BE_OFFSET}-{publication.month.month:02d}.pdf"
    if publication.kind == K.PLAN:
        return f"แผนการจัดซื้อจัดจ้าง-{publication.fiscal_year}.pdf"
    if publication.kind == K.YEARLY:
        return f"สรุปผลการจัดซื้อจัดจ้าง-{publication.fiscal_year}.pdf"
    prefix = "ประกาศเชิญชวน" if publication.kind == K.ANNOUNCEMENT else "ประกาศผล"
    return f"{prefix}-{publication.procurement_id}.pdf"


@login_not_required
@require_safe
def public_file(request, pk: int):
    """The file kept with a publication, inline; 404 for anything that is not a published file."""
    publication = get_object_or_404(_published().exclude(file=""), pk=pk)
    try:
        handle = publication.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, content_type="application/pdf", filename=_download_name(publication))
