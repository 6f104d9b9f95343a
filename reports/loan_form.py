"""The loan form (แบบใบยืมพัสดุ) as a PDF in the usual Thai layout, printable at any stage of the loan."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header

from activity.models import Entry
from loans.selectors import loans_visible_to
from organization.models import Organization

from .pdf import html_to_pdf, thai_digits_html

TEMPLATE = "reports/loan_form.html"


def _who(loan, action: str) -> str:
    """Who did an action on the loan, from the activity log (the property officer who handed the items out, or
    who received them back: several names when items came back to different people)."""
    names = (Entry.objects.filter(object_type="loans.loan", object_id=str(loan.pk), action=action)
             .order_by("id").values_list("actor_name", flat=True))
    return ", ".join(dict.fromkeys(name for name in names if name))


def loan_form_html(loan, *, thai_digits: bool = False) -> str:
    """The HTML that feeds the PDF (what the tests read); Thai digits throughout with thai_digits."""
    html = render_to_string(TEMPLATE, {
        "loan": loan, "items": list(loan.items.all()), "organization": Organization.objects.filter(pk=1).first(),
        "printed_at": timezone.now(), "handed_out_by": _who(loan, "loan.hand_out"),
        "received_by": _who(loan, "loan.receive"),
    })
    return thai_digits_html(html) if thai_digits else html


def loan_form_pdf(request, pk):
    loan = get_object_or_404(loans_visible_to(request.user), pk=pk)
    thai_digits = request.GET.get("digits") == "thai"
    response = HttpResponse(html_to_pdf(loan_form_html(loan, thai_digits=thai_digits)), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"ใบยืมพัสดุ-{loan.pk}.pdf")
    return response
