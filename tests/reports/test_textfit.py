"""Breaking Thai names into label lines: between words, then syllables; never a vowel away from its letter."""

import pytest

from reports.textfit import _clusters, fit_cache, fit_lines, width_mm

LEADING, FOLLOWING = "เแโใไ", "ะาำๅๆ"
MARKS = "ัิีึืฺุู็่้๊๋์ํ"


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    fit_cache.clear()
    yield
    fit_cache.clear()


@pytest.mark.parametrize("text", [
    "เครื่องคอมพิวเตอร์โน้ตบุ๊กสำหรับงานประมวลผลแบบที่ ๒",
    "เครื่องปรับอากาศแบบแยกส่วนชนิดติดผนังขนาดสามหมื่นบีทียู",
    "ตู้เหล็กเก็บเอกสารแบบสองบานเปิดพร้อมกุญแจ",
])
@pytest.mark.parametrize("width", [18.0, 24.0, 30.0])
def test_no_line_ends_on_a_leading_vowel_or_starts_with_a_following_one(text, width):
    lines = fit_lines(text, width, 9, 6)
    joined = "".join(line.rstrip("…") for line in lines).replace(" ", "")
    assert text.replace(" ", "").startswith(joined) and joined  # nothing lost or reordered, only cut at the end
    for line in lines:
        body = line.rstrip("…")
        assert body[-1] not in LEADING, lines
        assert body[0] not in FOLLOWING + MARKS, lines
        assert width_mm(line, 9) <= width, lines


def test_a_long_word_breaks_between_syllables():
    # 18 mm holds "เครื่องคอม" but not the whole "เครื่องคอมพิวเตอร์" (one word to the word breaker).
    lines = fit_lines("เครื่องคอมพิวเตอร์", 18.0, 9, 3)
    assert len(lines) >= 2 and "".join(lines) == "เครื่องคอมพิวเตอร์"
    assert all(line in {"เครื่อง", "คอม", "พิว", "เตอร์", "เครื่องคอม", "พิวเตอร์", "คอมพิว", "เครื่องคอมพิว"}
               for line in lines), lines


def test_clusters_keep_vowels_and_marks_with_their_letter():
    assert _clusters("เครื่อง") == ["เค", "รื่", "อ", "ง"]
    assert _clusters("สำหรับ") == ["สำ", "ห", "รั", "บ"]
    assert _clusters("ไก่") == ["ไก่"]
