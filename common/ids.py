"""A database id typed by someone (a form field, a query string): never trusted to be a number or to fit."""

MAX_ID = 2**63 - 1  # the largest id a 64-bit primary key holds (SQLite INTEGER, PostgreSQL bigint)


def database_id(value) -> int | None:
    """ASCII digits for a number from 1 to MAX_ID, else None (so a lookup finds nothing instead of a 500)."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)
