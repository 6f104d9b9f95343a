"""The English catalogue is complete and compiled.

Thai is the source language; English comes from locale/en/LC_MESSAGES/django.po. Every message must
have an English translation that is not fuzzy, keep the placeholders of its Thai original, and the
committed django.mo (committed because fresh machines have no gettext) must be what the .po compiles
to. After `make messages`, translate what is new, then run compilemessages.
"""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

EN_PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+(?::[^{}]*)?\}")


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(EN_PO))


def _shown(entries) -> str:
    return "\n".join(f"  {entry.msgid}" for entry in entries)


def test_every_message_has_an_english_translation(catalogue):
    untranslated = catalogue.untranslated_entries()
    assert not untranslated, f"{len(untranslated)} messages have no English in {EN_PO.name}:\n{_shown(untranslated)}"


def test_no_translation_is_fuzzy(catalogue):
    fuzzy = catalogue.fuzzy_entries()
    assert not fuzzy, (f"{len(fuzzy)} fuzzy translations in {EN_PO.name} (check each, then remove "
                       f"the fuzzy flag):\n{_shown(fuzzy)}")


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for entry in catalogue.translated_entries():
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            wanted |= set(PLACEHOLDER.findall(entry.msgid_plural))
            translations = list(entry.msgstr_plural.values())
        else:
            translations = [entry.msgstr]
        for translation in translations:
            if set(PLACEHOLDER.findall(translation)) != wanted:
                wrong.append(f"  {entry.msgid} → {translation}")
    assert not wrong, "translations whose placeholders differ from the Thai:\n" + "\n".join(wrong)


def _messages(mo_path: Path) -> tuple[dict, dict]:
    mo = polib.mofile(str(mo_path))
    messages = {
        (entry.msgctxt, entry.msgid, entry.msgid_plural): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
        for entry in mo
    }
    return mo.metadata, messages


def test_the_committed_mo_is_compiled_from_the_current_po(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed: cannot recompile the .po to compare with the committed .mo")
    fresh = tmp_path / "django.mo"
    result = subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(EN_PO)], capture_output=True, text=True)
    assert result.returncode == 0, f"msgfmt refuses {EN_PO.name}:\n{result.stderr}"
    assert EN_MO.exists(), f"{EN_MO} is missing: run compilemessages"
    fresh_metadata, fresh_messages = _messages(fresh)
    committed_metadata, committed_messages = _messages(EN_MO)
    stale = {key for key in fresh_messages.keys() | committed_messages.keys()
             if fresh_messages.get(key) != committed_messages.get(key)}
    assert not stale, (f"{EN_MO.name} is older than {EN_PO.name} ({len(stale)} messages differ, e.g. "
                       f"{sorted(stale, key=str)[:3]}): run compilemessages")
    assert fresh_metadata == committed_metadata, f"{EN_MO.name} has another header than {EN_PO.name}: run compilemessages"
