"""Fitting Thai text into fixed boxes: widths from Sarabun's own metrics, lines broken by us.

Labels are laid out with white-space: pre (lines broken here, not by the layout engine: several
times faster in WeasyPrint), so this module decides what fits: it measures with the font's
advance widths (Thai marks have none), breaks at spaces or else between character clusters,
and ends a cut line with an ellipsis.
"""

import json
import os
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont

PT_TO_MM = 25.4 / 72
SAFETY = 0.95  # shaping can differ a little from the sum of advances
ELLIPSIS = "…"
FIT_VERSION = 3  # part of the cache key: raise it when the way lines are fitted changes


@lru_cache(maxsize=2)
def _metrics(bold: bool) -> tuple[dict[int, int], float]:
    font = TTFont(Path(settings.SARABUN_DIR) / ("Sarabun-Bold.ttf" if bold else "Sarabun-Regular.ttf"), lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    widths = {code: hmtx[glyph][0] for code, glyph in cmap.items()}
    return widths, float(font["head"].unitsPerEm)


def width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    widths, units = _metrics(bold)
    fallback = widths.get(ord("ก"), 600)
    return sum(widths.get(ord(ch), fallback) for ch in text) / units * size_pt * PT_TO_MM


_LEADING_VOWELS = frozenset("เแโใไ")  # written before the consonant they follow in speech: never end a line
_FOLLOWING_VOWELS = frozenset("ะาำๅๆ")  # written after their consonant: never start a line


def _clusters(text: str) -> list[str]:
    """Base characters with the marks that sit on them, a leading vowel with the letter after it and a following
    vowel with the letter before it (never split a vowel or tone mark from its letter)."""
    clusters: list[str] = []
    for ch in text:
        if clusters and (unicodedata.category(ch) == "Mn" or ch in _FOLLOWING_VOWELS
                         or clusters[-1][-1] in _LEADING_VOWELS):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


@lru_cache(maxsize=4096)
def _syllables(word: str) -> tuple[str, ...]:
    """A word too long for a line, in the places it may break: Thai syllables (PyThaiNLP's syllable dictionary:
    เครื่อง|คอม|พิว|เตอร์), else (Latin, digits, or a word the dictionary cannot split) the clusters above."""
    from pythainlp.tokenize import syllable_tokenize

    parts = [part for part in syllable_tokenize(word, engine="dict") if part]
    if len(parts) > 1 and "".join(parts) == word:
        return tuple(parts)
    return tuple(_clusters(word))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """Thai has no spaces between words: a dictionary word breaker (PyThaiNLP newmm) finds the breaks."""
    from pythainlp.tokenize import word_tokenize

    pieces: list[str] = []
    opening = ""
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        if word in _OPENING:  # keep "(" with the word it opens, never at the end of a line
            opening += word
            continue
        word, opening = opening + word, ""
        pieces.extend(_syllables(word)) if len(word) > 12 and " " not in word else pieces.append(word)
    if opening:
        pieces.append(opening)
    return tuple(pieces)


_OPENING = frozenset("([{“‘«")


class _FitCache:
    """Fitted lines kept on disk (VAR_DIR/cache/textfit.json) across processes, like the QR images:
    a sheet printed again needs neither the word breaker's dictionary (about half a second to load)
    nor the measuring. A cache that cannot be read is simply rebuilt."""

    def __init__(self):
        self.entries: dict[str, list[str]] | None = None
        self.dirty = False

    @property
    def path(self) -> Path:
        return Path(settings.VAR_DIR) / "cache" / "textfit.json"

    def _load(self) -> dict:
        if self.entries is None:
            try:
                self.entries = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}
        return self.entries

    def get(self, key: str):
        return self._load().get(key)

    def put(self, key: str, lines: tuple[str, ...]) -> None:
        self._load()[key] = list(lines)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty or self.entries is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(self.entries, ensure_ascii=False), encoding="utf-8")
        temporary.replace(self.path)
        self.dirty = False

    def clear(self) -> None:
        self.entries, self.dirty = {}, False
        self.path.unlink(missing_ok=True)


fit_cache = _FitCache()


def fit_lines(text: str, width: float, size_pt: float, max_lines: int, *, bold: bool = False) -> tuple[str, ...]:
    """Break text into at most max_lines lines no wider than width (mm), between words where it can;
    a word wider than a line is broken between characters; the last line is cut with an ellipsis.
    Results are cached on disk (call fit_cache.save() after a batch)."""
    key = f"{FIT_VERSION}|{size_pt:g}|{width:.3f}|{max_lines}|{int(bold)}|{text}"
    cached = fit_cache.get(key)
    if cached is not None:
        return tuple(cached)
    lines = _fit_lines(text, width, size_pt, max_lines, bold)
    fit_cache.put(key, lines)
    return lines


def _fit_lines(text: str, width: float, size_pt: float, max_lines: int, bold: bool) -> tuple[str, ...]:
    limit = width * SAFETY
    pieces = list(_words(" ".join((text or "").split())))
    lines: list[str] = []
    while pieces and len(lines) < max_lines:
        line, used = "", 0
        for piece in pieces:
            if width_mm(line + piece, size_pt, bold=bold) > limit:
                break
            line += piece
            used += 1
        else:
            lines.append(line.strip())
            return tuple(lines)
        if used == 0:  # one piece wider than the line: break it between syllables, or else between characters
            parts = list(_syllables(pieces[0]))
            pieces = (parts if len(parts) > 1 else _clusters(pieces[0])) + pieces[1:]
            continue
        if len(lines) == max_lines - 1:
            while line and width_mm(line.rstrip() + ELLIPSIS, size_pt, bold=bold) > limit:
                line = "".join(_clusters(line)[:-1])
            lines.append(line.rstrip() + ELLIPSIS)
            return tuple(lines)
        lines.append(line.strip())
        pieces = pieces[used:]
        while pieces and pieces[0].isspace():
            pieces.pop(0)
    return tuple(lines)
