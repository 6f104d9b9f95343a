"""Login throttling (django-axes) through the real login page, and the content security policy (django-csp).

Axes stays on in every test (Django's test client force_login() never authenticates, so it needs no request);
here it is driven the way an attacker would: wrong passwords posted to /accounts/login/.
"""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.utils import timezone

from config.settings import client_ip_address
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-test-12345"
LOGIN = "/accounts/login/"


def page(response) -> str:
    return response.content.decode()


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/assets/"}, **extra)


def signed_in(client) -> bool:
    return client.get("/assets/").status_code == 200


@pytest.fixture
def somchai(division):
    return make_user("somchai", "staff", division=division)


# --- login throttling --------------------------------------------------------------------------------------------

def test_the_login_page_locks_a_username_out_after_the_failure_limit(somchai):
    limit, minutes = settings.AXES_FAILURE_LIMIT, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    client = Client(enforce_csrf_checks=True)
    assert client.get(LOGIN).status_code == 200  # the real form, and its CSRF token
    csrf = {"csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value}

    for attempt in range(1, limit):
        response = client.post(LOGIN, {"username": "somchai", "password": f"guess-{attempt}", **csrf})
        assert response.status_code == 200, attempt
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page(response)

    locked = client.post(LOGIN, {"username": "somchai", "password": "guess-last", **csrf})
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in locked.templates]
    html = page(locked)
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in html
    assert f"ไม่ถูกต้องติดต่อกัน {limit} ครั้ง" in html
    assert "“somchai”" in html and f"กรุณารอ {minutes} นาที" in html
    assert "Content-Security-Policy" in locked.headers

    # Locked: even the right password is refused, and nobody is signed in.
    response = client.post(LOGIN, {"username": "somchai", "password": PASSWORD, **csrf})
    assert response.status_code == 429
    assert not signed_in(client)
    assert AccessAttempt.objects.get(username="somchai").failures_since_start == limit + 1


def test_the_lockout_ends_after_the_cool_off(client, somchai):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "somchai", f"guess-{attempt}")
    assert sign_in(client, "somchai", PASSWORD).status_code == 429

    fourteen = timezone.now() - dt.timedelta(minutes=14)
    AccessAttempt.objects.update(attempt_time=fourteen)
    assert sign_in(client, "somchai", PASSWORD).status_code == 429  # not yet (and the wait starts again)

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    response = sign_in(client, "somchai", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/assets/"
    assert signed_in(client)


def test_a_lockout_is_per_username_and_address(somchai, division):
    make_user("somsri", "staff", division=division)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "somchai", f"guess-{attempt}")
    assert sign_in(attacker, "somchai", PASSWORD).status_code == 429

    # Another person at the same address, and the same person at their own desk, still sign in.
    assert sign_in(attacker, "somsri", PASSWORD).status_code == 302
    office = Client(REMOTE_ADDR="10.0.0.21")
    assert sign_in(office, "somchai", PASSWORD).status_code == 302
    assert signed_in(office)


def test_signing_in_clears_the_failures(client, somchai):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "somchai", f"typo-{attempt}")
    assert sign_in(client, "somchai", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "somchai", f"typo-again-{attempt}").status_code == 200
    assert sign_in(client, "somchai", PASSWORD).status_code == 302


def test_the_limit_is_a_setting(client, somchai, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert sign_in(client, "somchai", "one").status_code == 200
    assert sign_in(client, "somchai", "two").status_code == 429


def test_the_admin_login_is_throttled_too(client, division):
    make_user("admin_p", "administrator", division=division, is_staff=True)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "admin_p", "password": f"guess-{attempt}"})
    response = client.post("/admin/login/", {"username": "admin_p", "password": PASSWORD})
    assert response.status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in page(response)


def test_tests_sign_in_with_force_login_or_with_a_request(client, somchai):
    """force_login() never authenticates, so axes does not see it; the test client's login() authenticates
    without a request, which axes refuses, so a test that wants the password checked passes one."""
    with pytest.raises(ValueError, match="requires a request"):
        client.login(username="somchai", password=PASSWORD)
    assert client.login(request=HttpRequest(), username="somchai", password=PASSWORD)
    assert signed_in(client)


@pytest.mark.parametrize("environment, expected", [
    ({}, ["5", "900"]),  # the defaults: 5 failures, 15 minutes
    ({"AXES_FAILURE_LIMIT": "3", "AXES_COOLOFF_MINUTES": "30"}, ["3", "1800"]),
])
def test_failure_limit_and_cool_off_come_from_the_environment(environment, expected):
    env = {key: value for key, value in os.environ.items() if not key.startswith("AXES_")}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", **environment)
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), s.AXES_LOCKOUT_PARAMETERS, "
            "s.AUTHENTICATION_BACKENDS[0], s.MIDDLEWARE[-1], sep='|')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [*expected, "[['username', 'ip_address']]",
                                                "axes.backends.AxesStandaloneBackend", "axes.middleware.AxesMiddleware"]


@pytest.mark.parametrize("proxies, forwarded, remote, expected", [
    (0, "198.51.100.9", "10.0.0.1", "10.0.0.1"),  # no proxy configured: the header is ignored
    (1, "198.51.100.9", "10.0.0.1", "198.51.100.9"),  # the address the proxy saw
    (1, "6.6.6.6, 198.51.100.9", "10.0.0.1", "198.51.100.9"),  # a made-up entry before it does not count
    (2, "6.6.6.6, 198.51.100.9, 10.1.1.1", "10.0.0.1", "198.51.100.9"),  # two proxies: the outer one's entry
    (2, "198.51.100.9", "10.0.0.1", "10.0.0.1"),  # fewer entries than proxies: not through them, REMOTE_ADDR
])
def test_behind_proxies_the_address_is_the_one_the_outermost_proxy_saw(settings, proxies, forwarded, remote,
                                                                      expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post(LOGIN, HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip_address(request) == expected


def test_behind_a_proxy_a_forged_header_does_not_escape_the_lockout(settings, somchai):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # The attacker invents a new address each time; the proxy appends the real one.
        sign_in(client, "somchai", f"guess-{attempt}", HTTP_X_FORWARDED_FOR=f"6.6.6.{attempt}, 198.51.100.9", **proxy)
    assert sign_in(client, "somchai", PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.99, 198.51.100.9", **proxy).status_code \
        == 429
    office = Client()
    assert sign_in(office, "somchai", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.50", **proxy).status_code == 302


# --- content security policy -------------------------------------------------------------------------------------

def directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {name: value for name, _space, value in (part.strip().partition(" ") for part in header.split(";"))}


def test_every_page_carries_the_policy(client, staff_user):
    policy = directives(client.get(LOGIN))
    assert policy == {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:", "media-src": "'self' blob:", "font-src": "'self'", "connect-src": "'self'",
        "frame-ancestors": "'none'", "form-action": "'self'", "object-src": "'none'", "base-uri": "'self'",
    }
    client.force_login(staff_user)
    for path in ("/", "/assets/", "/scan/", "/loans/", "/inspections/", "/admin/login/"):
        assert directives(client.get(path))["default-src"] == "'self'", path
    assert "Content-Security-Policy-Report-Only" not in client.get("/").headers  # enforced, not only reported


def test_the_label_pages_inline_script_runs_by_its_nonce(client, staff_user, asset):
    client.force_login(staff_user)
    first = client.get(f"/a/{asset.number}")
    nonces = re.findall(r'<script nonce="([^"]+)">', page(first))
    assert len(nonces) == 1 and len(nonces[0]) >= 22
    assert directives(first)["script-src"] == f"'self' 'nonce-{nonces[0]}'"
    second = client.get(f"/a/{asset.number}")
    assert re.findall(r'<script nonce="([^"]+)">', page(second)) != nonces  # a new nonce for every response


TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def test_no_template_has_an_inline_event_handler_or_a_script_without_a_nonce():
    handlers, bare = [], []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        name = template.relative_to(TEMPLATES)
        handlers += [f"{name}: {match[0]}" for match in INLINE_HANDLER.finditer(text)]
        handlers += [f"{name}: javascript: URL" for _ in re.finditer(r"javascript:", text, re.IGNORECASE)]
        bare += [f"{name}: {tag}" for tag in SCRIPT_TAG.findall(text)
                 if "src=" not in tag and 'nonce="{{ request.csp_nonce }}"' not in tag]
    assert handlers == [], "inline event handlers are blocked by the policy: bind them in a static script"
    assert bare == [], 'an inline <script> needs nonce="{{ request.csp_nonce }}" (or move it to static/js)'


def test_our_scripts_never_evaluate_strings():
    for script in sorted((Path(settings.BASE_DIR) / "static" / "js").glob("*.js")):
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new\s+Function\s*\(|set(Timeout|Interval)\s*\(\s*[\"']", text), script.name
