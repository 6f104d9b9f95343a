"""With DEBUG off, a real secret key and the HTTPS defaults, `manage.py check --deploy` is clean; the production
settings are the secure ones, and a client of an app configured with them gets HTTPS, the security headers
(HSTS, the content security policy...), secure cookies and login throttling."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_has_no_warnings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": "x7#Q!m2" * 10,
        "ALLOWED_HOSTS": "phatsadu.example.go.th",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    })
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DEBUG": "0", "VAR_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- the production settings, and a client talking to an app configured with them ------------------------------

SECURITY_SETTINGS = ("DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
                     "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_HTTPONLY",
                     "CSRF_COOKIE_HTTPONLY", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF",
                     "SECURE_PROXY_SSL_HEADER", "AXES_FAILURE_LIMIT")


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The security settings as config.settings makes them with DEBUG=0 (read in a process of their own)."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"} and not k.startswith(("SECURE_", "AXES_"))
           and k not in {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"}}
    env.update({"DEBUG": "0", "SECRET_KEY": "x7#Q!m2" * 10, "ALLOWED_HOSTS": "phatsadu.example.go.th",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}", "VAR_DIR": str(tmp_path),
                "DJANGO_SETTINGS_MODULE": "config.settings"})
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            f"names = {SECURITY_SETTINGS!r}; "
            "print(json.dumps({'settings': {name: getattr(s, name) for name in names}, "
            "'installed': s.INSTALLED_APPS, 'middleware': s.MIDDLEWARE, 'backends': s.AUTHENTICATION_BACKENDS, "
            "'csp': repr(s.CONTENT_SECURITY_POLICY)}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_are_the_secure_ones(production):
    values = production["settings"]
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # Login throttling and the content security policy are on, and the policy is the one the tests run under.
    assert {"axes", "csp"} <= set(production["installed"])
    assert production["middleware"][-1] == "axes.middleware.AxesMiddleware"
    assert "csp.middleware.CSPMiddleware" in production["middleware"]
    assert production["backends"][0] == "axes.backends.AxesStandaloneBackend"
    assert production["csp"] == repr(settings.CONTENT_SECURITY_POLICY)


@pytest.fixture
def production_client(production, settings, client):
    """The test client against the app configured as in production (behind a proxy that terminates HTTPS)."""
    for name, value in production["settings"].items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    settings.MIDDLEWARE = production["middleware"]
    settings.AUTHENTICATION_BACKENDS = production["backends"]
    client.defaults.update(HTTP_X_FORWARDED_PROTO="https")
    return client


@pytest.mark.django_db
def test_a_production_client_gets_https_and_the_security_headers(production_client, client, staff_user):
    assert settings.DEBUG is False
    plain = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/accounts/login/"

    response = production_client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                      "form-action 'self'", "base-uri 'self'"):
        assert directive in policy
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"]

    signed_in = production_client.post("/accounts/login/", {"username": staff_user.username, "password": "pw-test-12345"})
    assert signed_in.status_code == 302
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert "Content-Security-Policy" in production_client.get("/").headers


@pytest.mark.django_db
def test_a_production_client_is_locked_out_after_the_failure_limit(production_client, staff_user):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        production_client.post("/accounts/login/", {"username": staff_user.username, "password": f"guess-{attempt}"})
    response = production_client.post("/accounts/login/", {"username": staff_user.username, "password": "pw-test-12345"})
    assert response.status_code == 429
    assert "Content-Security-Policy" in response
