"""Thai first, English a switch away; and every demo account can sign in through the real login form.

The English checks against the project's own catalogue run only once locale/en/LC_MESSAGES/django.mo
exists. The switching itself (set_language, the language cookie, Accept-Language) is also checked
now, against a tiny catalogue written to a temporary LOCALE_PATHS.
"""

import io
import re
import struct
from array import array
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from organization.roles import ROLE_LABELS
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

THAI_HEADING = "ทะเบียนคุมทรัพย์สิน"
THAI_LETTERS = re.compile(r"[\u0E01-\u0E4E]")
EN_CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo"
needs_en_catalogue = pytest.mark.skipif(
    not EN_CATALOGUE.exists(),
    reason=f"{EN_CATALOGUE.relative_to(settings.BASE_DIR)} is not built yet (another engineer is producing the "
           "English catalogue); the switching mechanism is covered by the *_test_catalogue tests",
)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(division):
    return make_user("reader", "staff", division=division)


def body(response) -> str:
    return response.content.decode()


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]*)"', body(response))
    assert match, "no <html lang> on the page"
    return match[1]


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """Write a GNU .mo catalogue (the format msgfmt produces) holding `messages`."""
    messages = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(messages, key=lambda k: k.encode())
    ids = strs = b""
    spans = []
    for key in keys:
        key_bytes, value_bytes = key.encode(), messages[key].encode()
        spans.append((len(ids), len(key_bytes), len(strs), len(value_bytes)))
        ids += key_bytes + b"\0"
        strs += value_bytes + b"\0"
    count = len(keys)
    key_start = 7 * 4 + 16 * count
    value_start = key_start + len(ids)
    key_table, value_table = [], []
    for id_offset, id_length, str_offset, str_length in spans:
        key_table += [id_length, id_offset + key_start]
        value_table += [str_length, str_offset + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + array("i", key_table).tobytes() + array("i", value_table).tobytes() + ids + strs)


# --- Thai by default -------------------------------------------------------------------------


def test_signed_in_user_sees_thai_by_default(client, member):
    client.force_login(member)
    response = client.get("/assets/")
    assert response.status_code == 200
    assert html_lang(response) == "th"
    assert response["Content-Language"] == "th"
    html = body(response)
    assert THAI_HEADING in html
    assert "ทะเบียนครุภัณฑ์" in html  # the navigation
    assert "ออกจากระบบ" in html
    assert ">English</button>" in html  # the switch offers English


@pytest.mark.parametrize("accept", ["th", "en-US,en;q=0.9", "en", "fr", "de-CH,de;q=0.9", "*", "zz-ZZ", ""])
def test_thai_for_any_other_browser_language(client, member, accept):
    client.force_login(member)
    response = client.get("/assets/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert html_lang(response) == "th"
    assert THAI_HEADING in body(response)


def test_login_page_is_thai(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert html_lang(response) == "th"
    assert "เข้าสู่ระบบ" in body(response)


def test_set_language_refuses_unknown_languages(client, member):
    client.force_login(member)
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/assets/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert THAI_HEADING in body(client.get("/assets/"))


# --- switching to English --------------------------------------------------------------------


def _switch_to_english(client, how: str, *, next_page="/assets/") -> dict:
    """Make the client ask for English the given way; return the extra request headers to send."""
    if how == "set_language":
        response = client.post("/i18n/setlang/", {"language": "en", "next": next_page})
        assert response.status_code == 302
        assert response["Location"] == next_page
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        return {}
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return {}
    raise AssertionError(how)


def _assert_english(response, english_heading: str) -> None:
    assert response.status_code == 200
    assert html_lang(response) == "en"
    html = body(response)
    assert english_heading in html
    assert THAI_HEADING not in html
    assert ">ภาษาไทย</button>" in html  # the switch now offers Thai


HOW = ["set_language", "cookie"]  # not the browser's Accept-Language: Thai stays the default


@needs_en_catalogue
def test_a_word_used_as_a_label_and_as_an_action_reads_right_in_each(client, member):
    """ขอยืมพัสดุ is the loans menu's "Request a loan" and the log's "Loan requested" (one msgid, two contexts)."""
    from activity.models import ACTION_LABELS

    client.force_login(member)
    _switch_to_english(client, "cookie")
    assert ">Request a loan</a>" in body(client.get("/loans/"))
    with translation.override("en"):
        assert str(ACTION_LABELS["loan.request"]) == "Loan requested"


@needs_en_catalogue
@pytest.mark.parametrize("how", HOW)
def test_english_with_the_project_catalogue(client, member, how):
    with translation.override("en"):
        english_heading = translation.gettext(THAI_HEADING)
    assert english_heading != THAI_HEADING, f"{EN_CATALOGUE} has no English for “{THAI_HEADING}”"
    assert not THAI_LETTERS.search(english_heading)
    client.force_login(member)
    headers = _switch_to_english(client, how)
    _assert_english(client.get("/assets/", **headers), english_heading)


@needs_en_catalogue
def test_english_login_page_with_the_project_catalogue(client):
    with translation.override("en"):
        english_sign_in = translation.gettext("เข้าสู่ระบบ")
    assert english_sign_in != "เข้าสู่ระบบ"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/")
    assert html_lang(response) == "en"
    assert english_sign_in in body(response)


@pytest.fixture
def test_catalogue(settings, tmp_path):
    """A stand-in English catalogue in a temporary LOCALE_PATHS (Django's translation cache is reset)."""
    write_mo(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.mo",
             {THAI_HEADING: "Asset register (test catalogue)", "ทะเบียนครุภัณฑ์": "Register (test catalogue)"})
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    return "Asset register (test catalogue)"


def test_the_stand_in_catalogue_is_readable(test_catalogue):
    with translation.override("en"):
        assert translation.gettext(THAI_HEADING) == test_catalogue
    with translation.override("th"):
        assert translation.gettext(THAI_HEADING) == THAI_HEADING


@pytest.mark.parametrize("how", HOW)
def test_switch_to_english_with_test_catalogue(client, member, test_catalogue, how):
    client.force_login(member)
    headers = _switch_to_english(client, how)
    _assert_english(client.get("/assets/", **headers), test_catalogue)


def test_switch_back_to_thai_with_test_catalogue(client, member, test_catalogue):
    client.force_login(member)
    _switch_to_english(client, "set_language")
    _assert_english(client.get("/assets/"), test_catalogue)
    response = client.post("/i18n/setlang/", {"language": "th", "next": "/assets/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "th"
    response = client.get("/assets/")
    assert html_lang(response) == "th"
    assert THAI_HEADING in body(response)


def test_language_choice_survives_sign_in_with_test_catalogue(client, member, test_catalogue):
    """An anonymous visitor switches on the login page, then signs in: the register is in English."""
    _switch_to_english(client, "set_language", next_page="/accounts/login/")
    response = client.post("/accounts/login/?next=/assets/", {"username": member.username, "password": "pw-test-12345",
                                                              "next": "/assets/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/assets/"
    _assert_english(response, test_catalogue)


# --- every demo account signs in -------------------------------------------------------------


def _demo_role_users():
    from demo import data

    return [pytest.param(username, roles, id=username) for username, _f, _l, _p, _d, roles, _s in data.ROLE_USERS]


@pytest.fixture
def demo_password(settings):
    """The demo people, made by the seed_demo command itself (no assets), and their published password."""
    from demo.management.commands.seed_demo import DEMO_PASSWORD

    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", assets=0, stdout=io.StringIO())
    settings.DEBUG = False
    return DEMO_PASSWORD


def test_every_role_has_a_demo_account():
    roles = {role for param in _demo_role_users() for role in param.values[1]}
    assert set(ROLE_LABELS) <= roles


@pytest.mark.parametrize("username, roles", _demo_role_users())
def test_demo_user_signs_in_through_the_form(demo_password, username, roles):
    client = Client(enforce_csrf_checks=True)
    form = client.get("/accounts/login/")
    assert form.status_code == 200
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post("/accounts/login/", {"username": username, "password": demo_password,
                                                "csrfmiddlewaretoken": token}, follow=True)
    assert response.redirect_chain, "the login form did not redirect"
    assert urlparse(response.redirect_chain[-1][0]).path == "/"
    assert response.status_code == 200
    assert response.context["user"].username == username
    assert html_lang(response) == "th"
    html = body(response)
    assert "สวัสดี" in html
    for role in roles:
        assert str(ROLE_LABELS[role]) in html
    assert "ยังไม่ได้กำหนดบทบาท" not in html

    register = client.get("/assets/")
    assert register.status_code == 200
    assert THAI_HEADING in body(register)


def test_demo_login_with_next_lands_on_the_register(client, demo_password):
    response = client.post("/accounts/login/", {"username": "officer", "password": demo_password, "next": "/assets/"},
                           follow=True)
    assert response.redirect_chain[-1][0] == "/assets/"
    assert response.status_code == 200
    assert THAI_HEADING in body(response)
    assert 'href="/assets/new/"' in body(response)  # the officer may register


@pytest.mark.parametrize("username, password", [("officer", "wrong-password"), ("nobody", "ngao-demo-2567"),
                                                ("", ""), ("officer", "")])
def test_wrong_credentials_are_refused_in_thai(client, demo_password, username, password):
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert html_lang(response) == "th"
    html = body(response)
    if username and password:
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in html
    assert client.get("/assets/").status_code == 302
