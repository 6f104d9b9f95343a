"""The annual integrity report: its figures checked against counts made directly in the database for the fiscal
year (boundaries: 30 September and 1 October), its content (seven headings, every measure, the municipality, the
BE year in Thai digits), versions frozen when issued, the command, and the supporting documents."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.db.models import F
from django.core.management import call_command
from django.utils import timezone

from activity.models import Anchor, Entry
from audits import services as audit_services
from loans.models import Acknowledgement, Loan, LoanItem, ManualVersion
from procurement.models import Method, Procurement, Publication
from reports import annual, annual_figures
from reports.models import ReportVersion
from tests.conftest import make_user
from tests.factories import AssetFactory, DivisionFactory

pytestmark = pytest.mark.django_db
D = dt.date
HEADINGS = ["ข้อ", "มาตรการ", "ขั้นตอน/วิธีการปฏิบัติ", "ผู้รับผิดชอบ", "ระยะเวลาการดำเนินการ",
            "สรุปผลการดำเนินการตามมาตรการ", "ผลลัพธ์หรือความสำเร็จของการดำเนินการ"]


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def year_data(db):
    palad = DivisionFactory(code="PALAD", name="สำนักปลัดเทศบาล")
    officer = make_user("officer", "staff", "property_officer", division=palad)
    staff = [make_user(f"s{n}", "staff", division=palad) for n in range(4)]
    for user in [officer, *staff]:
        type(user).objects.filter(pk=user.pk).update(date_joined=aware(D(2023, 1, 1)))
    manual = ManualVersion.objects.create(number=1, title="คู่มือ", body="ใช้ในราชการ", published_at=aware(D(2024, 1, 5)),
                                          published_by=officer)
    for user in staff[:3]:
        Acknowledgement.objects.create(version=manual, user=user, acknowledged_at=aware(D(2024, 1, 10)))
    assets = [AssetFactory(number=f"416-66-{n:04d}", division=palad) for n in range(12)]

    def loan(starts_on, status, *, due_days=2, back_days=None):
        made = Loan.objects.create(borrower=staff[0], requested_by=staff[0], division=palad, purpose="ประชุม",
                                   place=Loan.Place.INSIDE, starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=due_days),
                                   phone="0800000000", status=status)
        returned_at = aware(starts_on + dt.timedelta(days=back_days), 23) if back_days is not None else None
        LoanItem.objects.create(loan=made, asset=assets[Loan.objects.count() % len(assets)], returned_at=returned_at)
        return made

    # FY 2567 ends on 30 September 2024; FY 2568 starts on 1 October 2024.
    loan(D(2024, 9, 30), Loan.Status.RETURNED, back_days=2)  # 2567, on time (back on the due day, 23:00)
    loan(D(2024, 9, 30), Loan.Status.REJECTED)  # 2567
    loan(D(2024, 10, 1), Loan.Status.RETURNED, back_days=2)  # 2568, on time
    loan(D(2024, 10, 1), Loan.Status.RETURNED, back_days=3)  # 2568, late by a day
    loan(D(2024, 10, 2), Loan.Status.OUT)  # 2568, approved and out
    loan(D(2024, 11, 2), Loan.Status.REJECTED)  # 2568
    loan(D(2025, 9, 30), Loan.Status.APPROVED)  # 2568, its last day
    loan(D(2025, 10, 1), Loan.Status.REQUESTED)  # 2569

    head = make_user("mayor", "agency_head", division=palad)
    inspector = make_user("insp", "staff", division=palad)
    admin = make_user("admin", "administrator", division=palad)
    round_ = audit_services.round_appoint(actor=admin, fiscal_year=2567, order_number="1/2567",
                                          order_date=D(2024, 9, 20), appointed_by=head, inspectors=[inspector])
    round_ = audit_services.round_start(actor=inspector, round_=round_, today=round_.starts_on)
    sheet = round_.sheets.get()
    audit_services.inspection_scan(actor=inspector, sheet=sheet, number=assets[0].number, condition="damaged")
    audit_services.inspection_scan(actor=inspector, sheet=sheet, number=assets[1].number, condition="not_needed")
    audit_services.lines_declare_missing(actor=inspector, sheet=sheet, line_ids=list(
        sheet.lines.filter(asset=assets[2]).values_list("pk", flat=True)))

    def procurement(year, method, amount, *, status=Procurement.Status.PLANNED, agreed=None, reference=None):
        return Procurement.objects.create(fiscal_year=year, title=f"ซื้อของปี {year}", amount=Decimal(amount),
                                          method=method, status=status, created_by=officer,
                                          agreed_price=Decimal(agreed) if agreed else None,
                                          reference_price=Decimal(reference) if reference else None)

    procurement(2567, Method.SPECIFIC, "10000")
    procurement(2568, Method.SPECIFIC, "45000", status=Procurement.Status.CONTRACTED, agreed="44000", reference="45000")
    procurement(2568, Method.SPECIFIC, "12000", status=Procurement.Status.CLOSED, agreed="11500", reference="12000")
    procurement(2568, Method.E_BIDDING, "2450000", status=Procurement.Status.ANNOUNCED)
    procurement(2568, Method.E_MARKET, "90000", status=Procurement.Status.CANCELLED)
    for month in (D(2024, 10, 1), D(2024, 11, 1)):
        Publication.objects.create(kind=Publication.Kind.MONTHLY, fiscal_year=2568, month=month,
                                   published_on=month + dt.timedelta(days=40), where="บอร์ดประชาสัมพันธ์",
                                   published_by=officer)
    return {"officer": officer, "staff": staff, "round": round_, "assets": assets, "palad": palad}


def test_measure_4_figures_match_the_database_on_both_sides_of_1_october(year_data):
    figures = annual_figures.measure4(2568)
    in_year = Loan.objects.filter(starts_on__gte=D(2024, 10, 1), starts_on__lte=D(2025, 9, 30))
    assert figures["loans"].value == in_year.count() == 5
    assert figures["approved"].value == in_year.filter(status__in=["approved", "out", "returned"]).count() == 4
    assert figures["rejected"].value == in_year.filter(status="rejected").count() == 1
    assert (figures["returned_on_time"].value, figures["returned_late"].value) == (1, 1)
    before = annual_figures.measure4(2567)
    assert (before["loans"].value, before["rejected"].value, before["returned_on_time"].value) == (2, 1, 1)
    # Staff on the register at the year's end (the head, inspector and administrator joined later): 5; 3 read it.
    assert (figures["staff"].value, figures["acknowledged"].value) == (5, 3)
    assert figures["divisions"].value == 1 and figures["inspected"].value == 12
    assert (figures["found_damaged"].value, figures["found_not_needed"].value, figures["found_lost"].value) == (1, 1, 1)
    assert "round" not in before  # FY 2567's own round was held in FY 2568


def test_measure_5_figures_match_the_database(year_data):
    figures = annual_figures.measure5(2568)
    counted = Procurement.objects.filter(fiscal_year=2568).exclude(status="cancelled")
    assert figures["procurements"].value == counted.count() == 3
    assert figures["amount"].value == Decimal("2507000.00")
    assert (figures["method_specific"].value, figures["method_e_bidding"].value, figures["method_e_market"].value) == (2, 1, 0)
    assert (figures["agreed"].value, figures["reference"].value, figures["saving"].value) == (
        Decimal("55500.00"), Decimal("57000.00"), Decimal("1500.00"))
    assert figures["sor_khor_months"].value == 2
    assert annual_figures.measure5(2567)["procurements"].value == 1


def test_agreed_prices_above_the_reference_read_above_without_a_minus(year_data):
    Procurement.objects.filter(fiscal_year=2568, agreed_price__isnull=False).update(
        agreed_price=F("reference_price") + Decimal("350.00"))
    figures = annual_figures.measure5(2568)
    assert figures["saving"].label == "สูงกว่าราคากลาง" and figures["saving"].value > 0
    text, _outcome = annual_figures.sentences5(figures)
    line = next(line for line in text.splitlines() if "ราคากลางรวม" in line)
    assert line.endswith("บาท สูงกว่าราคากลาง 700.00 บาท") and "-" not in line.split("ราคากลางรวม")[1]


def test_every_linked_figure_opens_the_list_it_counts(client, year_data):
    client.force_login(year_data["officer"])
    figures = annual_figures.measure4(2568)
    for key in ("loans", "approved", "rejected", "returned_on_time", "returned_late"):
        page = client.get(figures[key].url)
        assert page.status_code == 200
        assert page.context["page"].paginator.count == figures[key].value, key
    five = annual_figures.measure5(2568)
    for key in ("procurements", "method_specific", "method_e_bidding"):
        page = client.get(five[key].url)
        assert page.status_code == 200 and page.context["page"].paginator.count == five[key].value, key
    assert client.get(figures["divisions"].url).status_code == 200


def test_the_report_has_seven_headings_every_measure_the_name_and_the_be_year_in_thai_digits(client, year_data):
    report = annual.report_create(actor=year_data["officer"], year=2568)
    html = annual.document_html(report)
    assert html.count("<table class=\"measure\"") == 7
    for heading in HEADINGS:
        assert f"<th>{heading}</th>" in html
    positions = [html.index(f"<th>{heading}</th>") for heading in HEADINGS]
    assert positions == sorted(positions)
    for name in annual.MEASURES.values():
        assert name in html
    assert "เทศบาลตำบลหงาว" in html and "๒๕๖๘" in html and "2568" not in html
    assert "มีคำขอยืมพัสดุ ๕ ครั้ง อนุมัติ ๔ ครั้ง ไม่อนุมัติ ๑ ครั้ง คืนครบตามกำหนด ๑ ครั้ง คืนช้ากว่ากำหนด ๑ ครั้ง" in html
    assert "จัดซื้อจัดจ้าง ๓ รายการ วงเงินรวม ๒,๕๐๗,๐๐๐.๐๐ บาท" in html
    report.thai_digits = False
    assert "2568" in annual.document_html(report)
    client.force_login(year_data["staff"][0])
    page = client.get("/annual/2568/").content.decode()
    assert 'data-figure="returned_late"' in page and "fiscal_year=2568&amp;returned=late" in page


def test_the_pdf_text_matches_the_html(year_data, tmp_path):
    target = tmp_path / "report.pdf"
    call_command("annual_report", year=2568, output=str(target), stdout=io.StringIO())
    document = pdfium.PdfDocument(target.read_bytes())
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    text = text.replace("\u02f8", "").replace("\r", "").replace("ำ", "า")
    for expected in ("รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "เทศบาลตำบลหงาว", "๒๕๖๘",
                     "สรุปผลการดำเนินการตามมาตรการ"):
        assert expected.replace("ำ", "า") in text.replace("\n", ""), expected
    assert len(document) >= 2


def test_an_issued_version_does_not_change_and_a_new_one_does(year_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer = year_data["officer"]
    report = annual.report_create(actor=officer, year=2568)
    first = annual.report_issue(actor=officer, report=report)
    assert first.number == 1 and first.anchor.document_type == "annual_report"
    assert first.anchor.head_hash == Entry.objects.order_by("-id").first().hash
    frozen_html, frozen_pdf = first.html, first.pdf.open("rb").read()
    assert "ครั้ง อนุมัติ ๔ ครั้ง" in frozen_html and first.anchor.head_hash in frozen_html
    Loan.objects.create(borrower=year_data["staff"][1], requested_by=year_data["staff"][1], division=year_data["palad"],
                        purpose="อบรม", place=Loan.Place.INSIDE, starts_on=D(2025, 3, 1), ends_on=D(2025, 3, 2),
                        phone="0800000000", status=Loan.Status.APPROVED)
    annual.report_refresh(actor=officer, report=report)
    first.refresh_from_db()
    assert first.html == frozen_html and first.pdf.open("rb").read() == frozen_pdf
    second = annual.report_issue(actor=officer, report=report)
    assert second.number == 2 and "อนุมัติ ๕ ครั้ง" in second.html and "อนุมัติ ๕ ครั้ง" not in first.html
    assert ReportVersion.objects.count() == 2 and Anchor.objects.filter(document_type="annual_report").count() == 2


def test_the_officer_edits_the_generated_sentences_before_issuing(client, year_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer = year_data["officer"]
    annual.report_create(actor=officer, year=2568)
    client.force_login(officer)
    response = client.post("/annual/2568/edit/", {"title": "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
                                                  "thai_digits": "on", "m4-summary": "สรุปที่แก้ไขแล้ว",
                                                  "m1-summary": "ประกาศนโยบาย No Gift Policy"})
    assert response.status_code == 302
    client.post("/annual/2568/issue/")
    version = ReportVersion.objects.get()
    assert "สรุปที่แก้ไขแล้ว" in version.html and "No Gift Policy" in version.html
    assert Entry.objects.filter(action="annual_report.update").exists()
    client.force_login(year_data["staff"][0])
    assert client.post("/annual/2568/issue/").status_code == 403
    assert client.get("/annual/2568/versions/1.pdf").status_code == 200


def test_supporting_documents_in_one_zip(client, year_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer = year_data["officer"]
    annual.report_create(actor=officer, year=2568)
    client.force_login(officer)
    response = client.post("/annual/2568/attachments/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).namelist()
    assert any(name.startswith("1-ทะเบียนครุภัณฑ์") for name in names)
    assert any(name.startswith("2-ทะเบียนการยืม") for name in names)
    assert any(name.startswith("3-รายงานผลการตรวจสอบพัสดุ-2567") for name in names)
    assert any(name.startswith("6-สรุปผลการจัดซื้อจัดจ้างประจำปี") for name in names)


def test_a_large_year_is_zipped_by_the_worker(client, year_data, settings, tmp_path, monkeypatch,
                                             django_capture_on_commit_callbacks):
    from reports import annual_attachments
    from reports.models import DocumentJob

    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(annual_attachments, "INLINE_LIMIT", 1)
    annual.report_create(actor=year_data["officer"], year=2568)
    client.force_login(year_data["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/annual/2568/attachments/")
    job = DocumentJob.objects.get(kind="annual_attachments")
    assert response.status_code == 302 and response["Location"] == f"/annual/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE and job.total == job.done >= 5
    assert client.get(f"/annual/jobs/{job.pk}/file/").status_code == 200


def test_bad_years_are_refused_with_a_message(client, year_data):
    client.force_login(year_data["officer"])
    for value in ("abc", "67", "9999"):
        response = client.post("/annual/", {"year": value}, follow=True)
        assert response.status_code == 200 and "ปีงบประมาณต้องเป็นปี พ.ศ." in response.content.decode()
    assert client.get("/annual/2400/").status_code == 404


def test_the_demo_report_is_complete_and_its_figures_are_the_databases(settings):
    """The demo data's report: seven headings, every measure with content, the right name, the BE year in Thai
    digits, and figures equal to counts made directly in the database for the demo's fiscal year."""
    from thai.dates import fiscal_year
    from thai.digits import to_thai_digits

    settings.DEBUG = True
    call_command("seed_demo", assets=300, stdout=io.StringIO())
    year = fiscal_year(timezone.localdate())
    report = annual.report_for(year)
    html = annual.document_html(report)
    for heading in HEADINGS:
        assert f"<th>{heading}</th>" in html
    measures = list(report.measures.all())
    assert [measure.number for measure in measures] == [1, 2, 3, 4, 5, 6, 7]
    assert all(measure.steps and measure.summary and measure.outcome for measure in measures)
    assert "เทศบาลตำบลหงาว" in html and "หางว" not in html and to_thai_digits(str(year)) in html
    first, last = D(year - 544, 10, 1), D(year - 543, 9, 30)
    loans = Loan.objects.filter(starts_on__gte=first, starts_on__lte=last)
    four = annual_figures.measure4(year)
    assert four["loans"].value == loans.count() > 0
    assert four["rejected"].value == loans.filter(status="rejected").count()
    five = annual_figures.measure5(year)
    assert five["procurements"].value == Procurement.objects.filter(fiscal_year=year).exclude(status="cancelled").count() > 0
    assert five["sor_khor_months"].value == Publication.objects.filter(kind="monthly", fiscal_year=year).count()
    summary = report.measures.get(number=4).summary
    assert f"มีคำขอยืมพัสดุ {four['loans'].value:,} ครั้ง" in summary


def test_the_draft_says_when_its_summaries_no_longer_match_the_figures(client, year_data):
    officer = year_data["officer"]
    annual.report_create(actor=officer, year=2568)
    client.force_login(officer)
    assert 'data-testid="stale"' not in client.get("/annual/2568/").content.decode()
    # A procurement of the year cancelled after the draft was written: measure 5's figures move on.
    Procurement.objects.filter(fiscal_year=2568).exclude(status="cancelled").order_by("pk").first().delete()
    page = client.get("/annual/2568/").content.decode()
    assert 'data-testid="stale"' in page and "มาตรการที่ 5 ไม่ตรงกับตัวเลขปัจจุบัน" in page
    client.post("/annual/2568/refresh/")
    assert 'data-testid="stale"' not in client.get("/annual/2568/").content.decode()


def test_saving_the_draft_unchanged_raises_no_warning_and_only_editors_see_one(client, year_data):
    officer = year_data["officer"]
    report = annual.report_create(actor=officer, year=2568)
    client.force_login(officer)
    form = {"title": report.title, "thai_digits": "on"}
    for measure in report.measures.all():  # as a browser sends the textareas back: CRLF line ends
        form.update({f"m{measure.number}-{name}": getattr(measure, name).replace("\n", "\r\n")
                     for name in annual.EDITABLE_FIELDS})
    client.post("/annual/2568/edit/", form)
    assert 'data-testid="stale"' not in client.get("/annual/2568/").content.decode()
    Procurement.objects.filter(fiscal_year=2568).exclude(status="cancelled").order_by("pk").first().delete()
    assert 'data-testid="stale"' in client.get("/annual/2568/").content.decode()
    client.force_login(year_data["staff"][0])  # reads the report, cannot refresh it: no warning to act on
    assert 'data-testid="stale"' not in client.get("/annual/2568/").content.decode()


def test_a_report_for_a_fiscal_year_not_yet_begun_is_refused(year_data):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from thai.dates import fiscal_year

    with pytest.raises(ValidationError, match="ยังไม่เริ่ม"):
        annual.report_create(actor=year_data["officer"], year=fiscal_year(timezone.localdate()) + 1)
    assert annual.report_create(actor=year_data["officer"], year=fiscal_year(timezone.localdate())).pk


def test_a_refused_edit_shows_the_form_again_as_typed(client, year_data):
    officer = year_data["officer"]
    report = annual.report_create(actor=officer, year=2568)
    client.force_login(officer)
    form = {"title": report.title, "thai_digits": "on"}
    for measure in report.measures.all():
        form.update({f"m{measure.number}-{name}": getattr(measure, name) for name in annual.EDITABLE_FIELDS})
    form["m1-name"] = ""  # refused: a measure needs its name
    form["m2-summary"] = "ข้อความที่พิมพ์ไว้ยาว ๆ ต้องไม่หาย"
    response = client.post("/annual/2568/edit/", form)
    page = response.content.decode()
    assert response.status_code == 400 and "ข้อความที่พิมพ์ไว้ยาว ๆ ต้องไม่หาย" in page
    assert "ข้อความที่พิมพ์ไว้ยาว ๆ ต้องไม่หาย" not in report.measures.get(number=2).summary
