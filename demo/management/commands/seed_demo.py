"""Build the demo municipality (เทศบาลตำบลหงาว): divisions, locations, staff, one user per role, assets.

Deterministic and idempotent: running it twice with the same --assets changes nothing.
Refused when DEBUG is off, since it creates users with a published password.
"""

import datetime as dt
import random
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity import log
from assets.models import AcquisitionMethod, Asset, BudgetType, Category, Status
from assets.services import assets_register_bulk
from audits import services as inspection_services
from audits.models import Line, Round
from loans import services as loan_services
from loans.selectors import current_loans_of
from procurement import services as procurement_services
from procurement.models import Procurement
from reports import annual
from reports.models import AnnualReport
from reports.procurement_docs import document_pdf
from loans.models import Loan, LoanItem, ManualVersion
from demo import data
from organization import workdays
from organization.models import Division, Location, User
from thai.dates import fiscal_year
from thai.digits import to_thai_digits

DEMO_PASSWORD = "ngao-demo-2567"
CHUNK = 10_000
DEMO_INSPECTION_LIMIT = 5_000  # demo rounds scan every asset through the services: only for demo-sized registers


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str: translated when the command runs, not at import
        return _("สร้างข้อมูลสาธิตของเทศบาลตำบลหงาว (ใช้ได้เมื่อ DEBUG เปิดอยู่เท่านั้น)")

    def add_arguments(self, parser):
        parser.add_argument("--assets", type=int, default=500, help=_("จำนวนครุภัณฑ์ที่ต้องการให้มีในทะเบียน (ค่าเริ่มต้น 500)"))
        parser.add_argument("--if-empty", action="store_true", help=_("สร้างเฉพาะเมื่อฐานข้อมูลยังว่าง (ใช้โดย make run)"))

    def handle(self, *args, assets: int, if_empty: bool, **options):
        if not settings.DEBUG:
            raise CommandError(_("seed_demo ใช้ได้เมื่อ DEBUG เปิดอยู่เท่านั้น: ข้อมูลสาธิตใช้รหัสผ่านที่เปิดเผย"))
        if assets < 0:
            raise CommandError(_("--assets ต้องไม่ติดลบ"))
        if if_empty and (User.objects.exists() or Asset.objects.exists()):
            self.stdout.write(_("ฐานข้อมูลมีข้อมูลอยู่แล้ว ไม่สร้างข้อมูลสาธิตเพิ่ม"))
        else:
            started = time.monotonic()
            with transaction.atomic():
                divisions = self._divisions()
                users = self._users(divisions)
            created = self._assets(assets, divisions, users)
            self._loans(users)
            self._inspections(users)
            self._procurements(users)
            self._disclosures_and_report(users)
            self.stdout.write(self.style.SUCCESS(
                _("ข้อมูลสาธิตพร้อม: ครุภัณฑ์ %(count)s รายการ (เพิ่ม %(created)s) ใน %(seconds)s วินาที") % {
                    "count": f"{Asset.objects.count():,}", "created": f"{created:,}",
                    "seconds": f"{time.monotonic() - started:.1f}"}
            ))
        self.stdout.write(_("ผู้ใช้สาธิต (demo logins), รหัสผ่าน / password: %(password)s") % {"password": DEMO_PASSWORD})
        for username, first, last, position, _div, role_names, _staff in data.ROLE_USERS:
            self.stdout.write(f"  {username:<11} {first} {last} ({', '.join(role_names)})")

    def _divisions(self) -> dict[str, Division]:
        divisions = {}
        for order, (code, name, locations) in enumerate(data.DIVISIONS, start=1):
            division, made = Division.objects.get_or_create(code=code, defaults={"name": name, "order": order})
            if made:
                log.record("division.create", obj=division, details={"after": {"code": code, "name": name}})
            for location_code, location_name in locations:
                location, made = Location.objects.get_or_create(
                    division=division, code=location_code, defaults={"name": location_name}
                )
                if made:
                    log.record("location.create", obj=location, division_id=division.pk,
                               details={"after": {"code": location_code, "name": location_name}})
            divisions[code] = division
        return divisions

    def _users(self, divisions) -> dict[str, User]:
        groups = {group.name: group for group in Group.objects.all()}
        users = {}
        people = list(data.ROLE_USERS)
        rng = random.Random(2567)
        password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
        for index in range(25):
            division = data.DIVISIONS[index % len(data.DIVISIONS)][0]
            people.append((f"staff{index + 1:02d}", rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES),
                           rng.choice(data.POSITIONS), division, ["staff"], False))
        for username, first, last, position, division_code, role_names, is_staff in people:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=first, last_name=last, position=position,
                            division=divisions[division_code], is_staff=is_staff,
                            is_superuser=username == "admin")
                user.password = password_hash
                user.save()
                user.groups.set([groups[name] for name in role_names])
                log.record("staff.create", obj=user, division_id=user.division_id,
                           details={"after": {"username": username, "roles": role_names}})
            users[username] = user
        return users

    def _loans(self, users) -> None:
        """The property-use manual, acknowledged by most people, and a few loans waiting at each step."""
        if ManualVersion.objects.exists():
            return
        with transaction.atomic():
            version = loan_services.manual_publish(actor=users["admin"], title=data.MANUAL_TITLE, body=data.MANUAL_BODY)
            for username, user in users.items():
                if not username.startswith("staff2"):  # staff20–staff25 have not read it yet
                    loan_services.manual_acknowledge(actor=user, version=version)
            lendable = list(Asset.objects.filter(is_lendable=True, status=Status.IN_USE).order_by("number_key")[:6])
            if len(lendable) < 6:
                return
            today = timezone.localdate()
            day = dt.timedelta(days=1)
            loan_services.loan_request(  # waits for the division head
                actor=users["staff"], assets=[lendable[0]], purpose="ประชุมประชาคมหมู่บ้าน หมู่ 3", place="inside",
                starts_on=today + day, ends_on=today + 2 * day, phone="0812345678")
            endorsed = loan_services.loan_request(
                actor=users["staff"], assets=[lendable[1]], purpose="ถ่ายภาพกิจกรรมวันเด็ก", place="outside",
                where="โรงเรียนบ้านหงาว", starts_on=today + 3 * day, ends_on=today + 4 * day, phone="0812345678")
            loan_services.loan_endorse(actor=users["divhead"], loan=endorsed)
            out = loan_services.loan_request(
                actor=users["divhead"], assets=[lendable[2]], borrower=users["staff"], purpose="อบรมการใช้งานระบบ",
                place="inside", starts_on=today, ends_on=today + 5 * day, phone="0812345678")
            loan_services.loan_approve(actor=users["supplyhead"], loan=out)
            loan_services.loan_hand_out(actor=users["officer"], loan=out)
            # A loan already returned and one overdue (handed out, due three days ago), for the desk, the register
            # and the calendar. The services refuse requests that start in the past, so both go through every move
            # today and then have their dates moved back with .update(): demo data only, never done by the app.
            returned = loan_services.loan_request(
                actor=users["staff"], assets=[lendable[3]], purpose="บันทึกภาพงานประเพณีลอยกระทง", place="outside",
                where="สวนสาธารณะเทศบาล", starts_on=today, ends_on=today, phone="0812345678")
            loan_services.loan_endorse(actor=users["divhead"], loan=returned)
            loan_services.loan_approve(actor=users["head"], loan=returned)
            loan_services.loan_hand_out(actor=users["officer"], loan=returned, conditions={lendable[3].pk: "ครบ"})
            loan_services.loan_receive(actor=users["officer"], loan=returned,
                                       returns={lendable[3].pk: ("good", "คืนครบ สภาพดี")})
            overdue = loan_services.loan_request(
                actor=users["divhead"], assets=[lendable[4], lendable[5]], borrower=users["staff"],
                purpose="ประชุมคณะกรรมการชุมชน", place="inside", starts_on=today, ends_on=today, phone="0812345678")
            loan_services.loan_approve(actor=users["supplyhead"], loan=overdue)
            loan_services.loan_hand_out(actor=users["officer"], loan=overdue)
            self._move_back(returned, starts=14, ends=12, returned=12)
            self._move_back(overdue, starts=6, ends=3)

    def _inspections(self, users) -> None:
        """Two annual rounds and a spot check, through the services: the year before last counted, reported,
        accepted and its damaged assets disposed of; last year's counted and reported, waiting for the head
        of agency; a spot check of กองช่าง being counted now."""
        if Round.objects.exists() or not Asset.objects.exists() or Asset.objects.count() > DEMO_INSPECTION_LIMIT:
            return  # a benchmark-sized register is counted by the benchmarks themselves
        today = timezone.localdate()
        current = fiscal_year(today)
        inspectors = [users["staff"], users["divhead"], users["staff01"]]
        with transaction.atomic():
            older = self._counted_round(users, inspectors, current - 2, order="45/" + str(current - 2))
            inspection_services.round_accept(actor=users["head"], round_=older,
                                             note="ให้เจ้าหน้าที่พัสดุดำเนินการจำหน่ายตามระเบียบ")
            broken = list(Asset.objects.filter(status__in=[Status.DAMAGED, Status.DETERIORATED]).order_by("number_key"))
            if broken:
                case = inspection_services.disposal_propose(
                    actor=users["officer"], assets=broken, title="จำหน่ายครุภัณฑ์ชำรุดตามผลการตรวจสอบประจำปี",
                    reason="ชำรุดและเสื่อมสภาพจากการใช้งานตามปกติ ซ่อมแซมไม่คุ้มค่า", path="direct", method="sale",
                    round_=older)
                ordered = older.due_on + dt.timedelta(days=14)
                inspection_services.disposal_approve(actor=users["head"], case=case, order_number="12/" + str(current - 1),
                                                     ordered_on=ordered)
                inspection_services.disposal_complete(actor=users["officer"], case=case,
                                                      completed_on=ordered + dt.timedelta(days=40),
                                                      recipient="ร้านรับซื้อของเก่า ส.เจริญ", proceeds=Decimal("3500.00"))
                inspection_services.disposal_report_sao(actor=users["officer"], case=case,
                                                        notified_on=ordered + dt.timedelta(days=55),
                                                        reference="รน 52101/" + str(current - 1) + "-018")
            self._counted_round(users, inspectors, current - 1, order="38/" + str(current - 1), today=today)
            spot = inspection_services.round_appoint(
                actor=users["admin"], kind="spot", division=Division.objects.get(code="CHANG"), starts_on=today,
                order_number="77/" + str(current), order_date=today, appointed_by=users["supplyhead"],
                inspectors=[users["staff"], users["staff02"]])
            if spot.starts_on <= today:
                spot = inspection_services.round_start(actor=users["staff"], round_=spot, today=today)
                sheet = spot.sheets.get()
                for number in sheet.lines.order_by("id").values_list("number", flat=True)[: sheet.expected_count // 2]:
                    inspection_services.inspection_scan(actor=users["staff02"], sheet=sheet, number=number)

    def _procurements(self, users) -> None:
        """A year of procurement at every step, through the services: planned, announced, a computer purchase
        accepted (its assets registered), a repair naming a vehicle's number in Thai digits, a cancelled one."""
        if Procurement.objects.exists():
            return
        today = timezone.localdate()
        year = fiscal_year(today)
        officer, day = users["officer"], dt.timedelta(days=1)
        divisions = {division.code: division for division in Division.objects.all()}
        budget = BudgetType.objects.filter(code="BUDGET").first()
        computers = Category.objects.filter(code="416").first()
        with transaction.atomic():
            procurement_services.procurement_create(
                actor=officer, fiscal_year=year + (1 if today.month >= 8 else 0), title="ซื้อเครื่องพิมพ์เลเซอร์ขาวดำ",
                project_type="ซื้อ", division=divisions["KLANG"], amount=Decimal("24000"), method="e_market",
                reference_price=Decimal("23800"), reference_source="สืบราคาจากท้องตลาด", budget_type=budget,
                planned_month=(today + 40 * day).replace(day=1), need="เครื่องพิมพ์เดิมชำรุด",
                items=[{"description": "เครื่องพิมพ์เลเซอร์ขาวดำ", "kind": "durable", "category": computers,
                        "quantity": 2, "unit": "เครื่อง", "unit_price": Decimal("12000")}])
            road = procurement_services.procurement_create(
                actor=officer, fiscal_year=year, title="จ้างเหมาก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ 3 บ้านหงาว",
                project_type="จ้างก่อสร้าง", division=divisions["CHANG"], amount=Decimal("2450000"),
                reference_price=Decimal("2438000"), reference_source="คณะกรรมการกำหนดราคากลาง (BOQ)",
                method="e_bidding", budget_type=budget, egp_number="67119000123")
            procurement_services.procurement_announce(actor=officer, procurement=road, announced_on=today - 10 * day)
            bought = procurement_services.procurement_create(
                actor=officer, fiscal_year=year, title="ซื้อเครื่องคอมพิวเตอร์โน้ตบุ๊ก สำหรับงานประมวลผล",
                project_type="ซื้อ", division=divisions["EDU"], amount=Decimal("48000"), reference_price=Decimal("47000"),
                reference_source="เกณฑ์ราคากลางและคุณลักษณะพื้นฐานครุภัณฑ์คอมพิวเตอร์", method="specific",
                budget_type=budget, egp_number="67119000456",
                items=[{"description": "เครื่องคอมพิวเตอร์โน้ตบุ๊ก สำหรับงานประมวลผล", "kind": "durable",
                        "category": computers, "quantity": 2, "unit": "เครื่อง", "unit_price": Decimal("23500")},
                       {"description": "หมึกพิมพ์", "kind": "supplies", "quantity": 4, "unit": "กล่อง",
                        "unit_price": Decimal("250")}])
            start = today - 35 * day
            first = procurement_services.bid_add(actor=officer, procurement=bought, bidder="ร้านระนองคอมพิวเตอร์",
                                                 price=Decimal("48000"), tax_id="0855560000123")
            procurement_services.procurement_award(actor=officer, procurement=bought, winner=first,
                                                   agreed_price=Decimal("48000"),
                                                   selection_reason="ผู้ประกอบการมีคุณสมบัติตรงตามเงื่อนไขและเสนอราคาไม่เกินวงเงิน")
            procurement_services.procurement_contract(actor=officer, procurement=bought, contract_number="ซ.12/" + str(year),
                                                      contract_date=start, delivery_due=start + 15 * day,
                                                      penalty_rate=Decimal("0.20"))
            procurement_services.delivery_record(actor=officer, procurement=bought, delivered_on=start + 17 * day,
                                                 value=Decimal("48000"), note="ส่งมอบครบ ช้ากว่ากำหนด 2 วัน")
            procurement_services.procurement_accept(actor=officer, procurement=bought, accepted_on=start + 18 * day,
                                                    committee="นายอนุชา ทองคำ ประธานกรรมการ\nนางสาวกาญจนา แก้วมณี กรรมการ\n"
                                                              "นายปิยะ บุญมา กรรมการ")
            vehicle = Asset.objects.filter(category__code="403").order_by("number_key").first()
            if vehicle is not None:
                repair = procurement_services.procurement_create(
                    actor=officer, fiscal_year=year, project_type="จ้างทำของ/จ้างเหมาบริการ", division=vehicle.division,
                    title=f"จ้างซ่อมแซม{vehicle.name} หมายเลขครุภัณฑ์ {to_thai_digits(vehicle.number)} โดยวิธีเฉพาะเจาะจง",
                    amount=Decimal("8500"), reference_price=Decimal("8500"), reference_source="ใบเสนอราคาของอู่ซ่อม",
                    method="specific", budget_type=budget)
                garage = procurement_services.bid_add(actor=officer, procurement=repair, bidder="อู่หงาวการช่าง",
                                                      price=Decimal("8500"))
                procurement_services.procurement_award(actor=officer, procurement=repair, winner=garage,
                                                       agreed_price=Decimal("8200"), selection_reason="ราคาเหมาะสม")
                procurement_services.procurement_contract(actor=officer, procurement=repair, contract_number="จ.31/" + str(year),
                                                          contract_date=today - 20 * day, delivery_due=today - 5 * day,
                                                          penalty_rate=Decimal("0.10"))
            cancelled = procurement_services.procurement_create(
                actor=officer, fiscal_year=year, title="ซื้อเต็นท์ผ้าใบ ขนาด 4x8 เมตร", project_type="ซื้อ",
                division=divisions["PALAD"], amount=Decimal("90000"), method="specific", budget_type=budget)
            procurement_services.procurement_cancel(actor=officer, procurement=cancelled,
                                                    reason="ได้รับการสนับสนุนเต็นท์จากองค์การบริหารส่วนจังหวัดแล้ว")

    def _disclosures_and_report(self, users) -> None:
        """The year's procurement plan and last month's สขร.1 published (the public page shows them), and a draft of
        this fiscal year's integrity report with the demo's own entries for the measures it does not count."""
        if AnnualReport.objects.exists():
            return
        today = timezone.localdate()
        year = fiscal_year(today)
        officer = users["officer"]
        with transaction.atomic():
            procurement_services.publication_record(
                actor=officer, kind="plan", fiscal_year=year, published_on=today, where="https://www.ngao.go.th/ita",
                file_name=f"plan-{year}.pdf", content=document_pdf("plan", fiscal_year=year))
            month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            procurement_services.publication_record(
                actor=officer, kind="monthly", fiscal_year=fiscal_year(month), month=month, published_on=today,
                where="บอร์ดประชาสัมพันธ์หน้าสำนักงานเทศบาล", file_name=f"sk1-{month:%Y-%m}.pdf",
                content=document_pdf("monthly", month=month))
            report = annual.report_create(actor=officer, year=year)
            annual.report_update(actor=officer, report=report, title=report.title, thai_digits=True, measures={
                number: {"steps": steps, "responsible": responsible, "summary": summary, "outcome": outcome}
                for number, (steps, responsible, summary, outcome) in data.ANNUAL_MEASURES.items()})

    @staticmethod
    def _counted_round(users, inspectors, year: int, *, order: str, today: dt.date | None = None):
        """An annual round counted in full (a few assets damaged, deteriorated, not needed or missing) and
        reported three working days before its due date, or today if that is sooner: no step is dated after
        today. On the first days of a fiscal year that fall before its first working day the round is only
        appointed."""
        today = today or timezone.localdate()
        first = inspection_services.annual_dates(year)
        round_ = inspection_services.round_appoint(
            actor=users["admin"], fiscal_year=year, order_number=order, order_date=first["starts_on"] - dt.timedelta(days=14),
            appointed_by=users["head"], inspectors=inspectors)
        if round_.starts_on > today:
            return round_
        round_ = inspection_services.round_start(actor=inspectors[0], round_=round_, today=round_.starts_on)
        rng = random.Random(year)
        on_loan = set(current_loans_of(Line.objects.filter(round=round_).values_list("asset_id", flat=True)))
        when = timezone.make_aware(dt.datetime.combine(round_.starts_on, dt.time(9, 30)))
        for index, sheet in enumerate(round_.sheets.order_by("id")):
            inspector = inspectors[index % len(inspectors)]
            lines = list(sheet.lines.order_by("id"))
            missing = {line.pk for line in lines[-1:]} if index < 2 else set()
            for line in lines:
                if line.pk in missing:
                    continue
                if line.asset_id in on_loan:
                    inspection_services.line_confirm_on_loan(actor=inspector, line=line)
                    continue
                roll = rng.random()
                condition = ("damaged" if roll < 0.03 else "deteriorated" if roll < 0.05
                             else "not_needed" if roll < 0.06 else "usable")
                inspection_services.inspection_scan(actor=inspector, sheet=sheet, number=line.number, condition=condition,
                                                    scanned_at=min(when + dt.timedelta(hours=index), timezone.now()),
                                                    note="ชำรุด ใช้งานไม่ได้" if condition == "damaged" else "")
            if missing:
                inspection_services.lines_declare_missing(actor=inspector, sheet=sheet, note="ค้นหาทุกห้องแล้วไม่พบ")
            inspection_services.sheet_close(actor=inspector, sheet=sheet)
        submitted_on = min(workdays.nth_working_day(round_.starts_on, 27), today)
        return inspection_services.round_submit(actor=inspectors[0], round_=round_, today=submitted_on)

    @staticmethod
    def _move_back(loan, *, starts: int, ends: int, returned: int | None = None) -> None:
        """Demo data only: put a loan made today through the services into the past (its dates, and when its
        items went out and came back)."""
        now = timezone.now()
        Loan.objects.filter(pk=loan.pk).update(starts_on=timezone.localdate() - dt.timedelta(days=starts),
                                               ends_on=timezone.localdate() - dt.timedelta(days=ends))
        items = {"handed_out_at": now - dt.timedelta(days=starts)}
        if returned is not None:
            items["returned_at"] = now - dt.timedelta(days=returned)
        LoanItem.objects.filter(loan=loan).update(**items)

    def _assets(self, wanted: int, divisions, users) -> int:
        existing = Asset.objects.count()
        missing = wanted - existing
        if missing <= 0:
            return 0
        actor = users["officer"]
        categories = {c.code: c for c in Category.objects.all()}
        budget_types = list(BudgetType.objects.order_by("code"))
        methods = {m.code: m for m in AcquisitionMethod.objects.all()}
        locations = {}
        for location in Location.objects.select_related("division"):
            locations.setdefault(location.division_id, []).append(location)
        staff_by_division = {}
        for user in users.values():
            if user.division_id:
                staff_by_division.setdefault(user.division_id, []).append(user)
        item_choices = [(code, item) for code, items in data.ITEMS.items() for item in items]
        division_list = list(divisions.values())
        today = timezone.localdate()
        rng = random.Random(existing)  # the same database and N always give the same assets
        made = 0
        while made < missing:
            rows = []
            for _row in range(min(CHUNK, missing - made)):
                code, (name, brands, (low, high), lendable) = rng.choice(item_choices)
                division = rng.choice(division_list)
                acquired = today - dt.timedelta(days=rng.randint(0, 365 * 20))
                price = Decimal(rng.randrange(low, high + 1, 100))
                status = rng.choices(
                    [Status.IN_USE, Status.DAMAGED, Status.DETERIORATED, Status.UNDER_REPAIR, Status.NOT_NEEDED, Status.LOST],
                    weights=[86, 5, 4, 2, 2, 1])[0]
                brand = rng.choice(brands)
                rows.append({
                    "name": name,
                    "brand_model": brand,
                    "serial_number": f"SN{rng.randrange(10**9, 10**10)}" if code in ("416", "407", "406", "403") else "",
                    "category": categories[code],
                    "division": division,
                    "location": rng.choice(locations[division.pk]),
                    "custodian": rng.choice(staff_by_division.get(division.pk, [None]) + [None]),
                    "acquired_on": acquired,
                    "acquisition_method": methods["DONATED"] if rng.random() < 0.03 else methods["BUY"],
                    "budget_type": rng.choice(budget_types[:3]),
                    "document_number": f"{rng.randint(1, 150)}/{acquired.year + 543}",
                    "vendor_name": rng.choice(["หจก.ระนองคอมพิวเตอร์", "ร้านหงาวพาณิชย์", "บริษัท อันดามันออฟฟิศ จำกัด",
                                               "หจก.ระนองการไฟฟ้า", "บริษัท ราชกรูดยนต์ จำกัด"]),
                    "unit": "คัน" if code == "403" else ("ชุด" if "ชุด" in name else "เครื่อง"),
                    "unit_price": price,
                    "useful_life_years": categories[code].useful_life_years,
                    "is_lendable": lendable,
                    "notes": "",
                    "status": status,
                })
            assets_register_bulk(actor=actor, rows=rows)
            made += len(rows)
            self.stdout.write(_("  ลงทะเบียนแล้ว %(made)s/%(wanted)s") % {"made": f"{made:,}", "wanted": f"{missing:,}"})
        return made
