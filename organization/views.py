"""The set-up area (/setup/): the organisation's profile, divisions with their heads, staff with their roles, the
tables as spreadsheets, first-sign-in slips, and what is not ready yet. Thai, without the raw admin."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import log
from common.ids import database_id
from common.pagination import paginate
from common.spreadsheets import ImportRefused
from common.uploads import KeptUpload

from . import first_sign_in, readiness, roles, services, table_io
from .forms import DivisionForm, ProfileForm, StaffForm, UploadForm
from .models import Division, Organization, User

KEPT = KeptUpload("setup_import", "setup-imports")
MAX_UPLOAD = 10 * 1024 * 1024
SETUP_ACTIONS = ("organization.edit", "staff.manage", "reference.edit")


def _require_any(user) -> None:
    if not any(roles.can(user, action) for action in SETUP_ACTIONS):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ทำรายการนี้"))


def _refusal(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return error.messages


def setup_home(request):
    _require_any(request.user)
    return render(request, "organization/setup_home.html", {
        "problems": readiness.problems(), "tables": table_io.specs_for(request.user),
        "waiting": first_sign_in.waiting().count() if roles.can(request.user, "staff.manage") else 0,
        "counts": {"divisions": Division.objects.filter(is_active=True).count(),
                   "staff": User.objects.filter(is_active=True).count()},
    })


def profile(request):
    roles.require(request.user, "organization.edit")
    current = Organization.objects.filter(pk=1).first()
    form = ProfileForm(request.POST or None, instance=current or Organization(pk=1))
    if request.method == "POST" and form.is_valid():
        if current is not None:
            try:
                services.organization_update(actor=request.user, **{name: form.cleaned_data[name]
                                                                    for name in services.PROFILE_FIELDS})
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("บันทึกข้อมูลหน่วยงานแล้ว"))
                return redirect("setup:home")
        else:
            created = form.save()
            log.record("organization.update", obj=created, actor=request.user, details={"created": True})
            messages.success(request, _("บันทึกข้อมูลหน่วยงานแล้ว"))
            return redirect("setup:home")
    return render(request, "organization/profile.html", {"form": form})


def divisions(request):
    roles.require(request.user, "reference.edit")
    heads = User.objects.filter(is_active=True, groups__name=roles.DIVISION_HEAD).distinct().order_by("first_name")
    rows = (Division.objects.annotate(people=Count("staff", filter=Q(staff__is_active=True)))
            .prefetch_related(Prefetch("staff", queryset=heads, to_attr="heads")).order_by("order", "code"))
    return render(request, "organization/divisions.html", {"divisions": rows})


def division_edit(request, pk=None):
    roles.require(request.user, "reference.edit")
    division = get_object_or_404(Division, pk=pk) if pk is not None else None
    can_name_head = roles.can(request.user, "staff.manage")
    initial = ({"code": division.code, "name": division.name, "order": division.order,
                "is_active": division.is_active} if division else
               {"order": (Division.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 1})
    form = DivisionForm(request.POST or None, initial=initial, can_name_head=can_name_head)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.division_save(actor=request.user, division=division, code=data["code"],
                                           name=data["name"], order=data["order"], is_active=data["is_active"],
                                           head=data.get("head"))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("บันทึก %(division)s แล้ว") % {"division": saved})
            return redirect("setup:divisions")
    return render(request, "organization/division_form.html", {
        "form": form, "division": division, "heads": services.division_heads(division) if division else []})


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def staff(request):
    roles.require(request.user, "staff.manage")
    people = User.objects.order_by("division__order", "division__code", "first_name", "pk")
    query = request.GET.get("q", "").strip()[:100]
    division = database_id(request.GET.get("division"))
    shown = request.GET.get("active", "1")
    if query:
        people = people.filter(Q(username__icontains=query) | Q(first_name__icontains=query)
                               | Q(last_name__icontains=query) | Q(position__icontains=query))
    if division is not None:
        people = people.filter(division_id=division)
    if shown in ("0", "1"):
        people = people.filter(is_active=shown == "1")
    page, rows = paginate(people.select_related("division").prefetch_related("groups"), request.GET.get("page"), 50)
    for person in rows:
        names = {group.name for group in person.groups.all()}
        person.role_labels = [label for role, label in roles.ROLE_LABELS.items() if role in names]
    return render(request, "organization/staff_list.html", {
        "page": page, "people": rows, "query": query, "division": division, "active": shown,
        "divisions": Division.objects.order_by("order", "code"),
        "waiting": first_sign_in.waiting().count(),
    })


def staff_edit(request, pk=None):
    roles.require(request.user, "staff.manage")
    person = get_object_or_404(User, pk=pk) if pk is not None else None
    initial = ({"username": person.username, "first_name": person.first_name, "last_name": person.last_name,
                "position": person.position, "division": person.division, "email": person.email,
                "phone": person.phone, "role_set": sorted(services.role_names(person)),
                "is_active": person.is_active} if person else {"role_set": [roles.STAFF]})
    form = StaffForm(request.POST or None, initial=initial)
    if request.method == "POST" and "reissue" in request.POST and person is not None:
        try:
            services.first_sign_in_reissue(actor=request.user, user=person)
        except ValidationError as error:
            messages.error(request, " ".join(_refusal(error)))
        else:
            messages.success(request, _("ออกลิงก์ตั้งรหัสผ่านใหม่ให้ %(user)s แล้ว: ลิงก์และรหัสผ่านเดิมใช้ไม่ได้อีก")
                             % {"user": person})
            return redirect("setup:first_sign_in_slips_of", pk=person.pk)
        return redirect("setup:staff_edit", pk=person.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.staff_save(actor=request.user, user=person, username=data["username"],
                                        first_name=data["first_name"], last_name=data["last_name"],
                                        email=data["email"], division=data["division"], position=data["position"],
                                        phone=data["phone"], role_set=set(data["role_set"]),
                                        is_active=data["is_active"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("บันทึก %(user)s แล้ว") % {"user": saved})
            if person is None:
                return redirect("setup:first_sign_in_slips_of", pk=saved.pk)
            return redirect("setup:staff")
    return render(request, "organization/staff_form.html", {
        "form": form, "person": person,
        "waiting": person is not None and not person.has_usable_password() and person.last_login is None})


def first_sign_in_slips(request, pk=None):
    """Printable slips: each person's username and one-time link to set a password (A4, cut along the lines)."""
    roles.require(request.user, "staff.manage")
    if pk is not None:
        person = get_object_or_404(User, pk=pk, is_active=True)
        if person.has_usable_password():
            messages.error(request, _("%(user)s ตั้งรหัสผ่านแล้ว: ถ้าลืมรหัสผ่าน ให้กด “ออกลิงก์ตั้งรหัสผ่านใหม่”")
                           % {"user": person})
            return redirect("setup:staff_edit", pk=person.pk)
        people = [person]
    else:
        division = database_id(request.GET.get("division"))
        people = list(first_sign_in.waiting(Division.objects.filter(pk=division).first() if division else None))
    slips = [{"person": person, "link": first_sign_in.link_for(person)} for person in people]
    if slips:
        log.record("user.first_sign_in_slips", actor=request.user, details={"users": [person.pk for person in people]})
    return render(request, "organization/first_sign_in_slips.html", {
        "slips": slips, "expires": first_sign_in.expires_on(), "site_problem": readiness.site_url_problem(),
        "divisions": Division.objects.order_by("order", "code")})


def _spec(request, key) -> table_io.Spec:
    spec = table_io.REGISTRY.get(key)
    if spec is None:
        raise Http404
    roles.require(request.user, spec.action)
    return spec


def table_export(request, key):
    spec = _spec(request, key)
    data = table_io.export_xlsx(spec, actor=request.user)
    log.record("table.export", actor=request.user, details={"table": spec.key})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{spec.key}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def table_import(request, key):
    """Upload → the preview (every row's outcome, every reason of every refused row) → confirm → the result."""
    spec = _spec(request, key)
    context = {"spec": spec, "form": UploadForm(), "columns": spec.columns()}
    if request.method != "POST":
        return render(request, "organization/table_import.html", context)
    if "cancel" in request.POST:
        KEPT.discard(request)
        return redirect("setup:table_import", key=key)
    if "confirm" in request.POST:
        kept = KEPT.read(request, request.POST.get("token"))
        if kept is None:
            context["refused"] = [_("ไม่พบไฟล์ที่ตรวจสอบไว้ (หมดอายุ หรือมีการอัปโหลดไฟล์อื่นแทน) กรุณาอัปโหลดไฟล์อีกครั้ง")]
            return render(request, "organization/table_import.html", context)
        data, filename = kept
        commit = True
    else:
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "organization/table_import.html", context)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            context["refused"] = [_("ไฟล์ใหญ่เกิน %(max)s MB: กรุณาแบ่งเป็นหลายไฟล์") % {"max": MAX_UPLOAD // 1048576}]
            return render(request, "organization/table_import.html", context)
        data, filename, commit = upload.read(), upload.name, False
    try:
        outcome = table_io.run(spec, data, filename, actor=request.user, commit=commit)
    except ImportRefused as error:
        context["refused"] = error.messages
        return render(request, "organization/table_import.html", context)
    if outcome.committed:
        KEPT.discard(request)
        log.record("table.import", actor=request.user, details={
            "table": spec.key, "file": filename[:200], "new": outcome.count("new"),
            "updated": outcome.count("update"), "unchanged": outcome.count("skip")})
        messages.success(request, _("นำเข้า%(table)sแล้ว: เพิ่ม %(new)s แก้ไข %(updated)s ไม่เปลี่ยน %(same)s แถว") % {
            "table": spec.label, "new": outcome.count("new"), "updated": outcome.count("update"),
            "same": outcome.count("skip")})
        if spec.key == "staff" and outcome.count("new"):
            return redirect("setup:first_sign_in_slips")
        return redirect("setup:home")
    token = KEPT.keep(request, data, filename) if not commit else request.POST.get("token")
    context.update({"outcome": outcome, "token": token, "filename": filename})
    return render(request, "organization/table_import.html", context)


class FirstSignIn(auth_views.PasswordResetConfirmView):
    """The one-time link: the person sets their password and is signed in."""

    template_name = "registration/first_sign_in.html"
    token_generator = first_sign_in.tokens
    success_url = reverse_lazy("home")
    title = gettext_lazy("ตั้งรหัสผ่านเพื่อเข้าระบบครั้งแรก")

    def form_valid(self, form):
        user = form.save()
        log.record("user.first_sign_in", obj=user, actor=user, division_id=user.division_id)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("ตั้งรหัสผ่านแล้ว ยินดีต้อนรับ %(user)s") % {"user": user})
        return redirect(self.get_success_url())


first_sign_in_view = login_not_required(FirstSignIn.as_view())

