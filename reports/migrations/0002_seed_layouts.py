"""Common A4 sticker sheets and a roll label, as editable starting points."""

from decimal import Decimal as D

from django.db import migrations

LAYOUTS = [
    # name, page w, h, columns, rows, label w, h, margin top, left, gap x, gap y
    ("A4 3×8 ป้าย 63.5×33.9 มม.", D("210"), D("297"), 3, 8, D("63.5"), D("33.9"), D("12.9"), D("7.25"), D("2.5"), D("0")),
    ("A4 2×7 ป้าย 99.1×38.1 มม.", D("210"), D("297"), 2, 7, D("99.1"), D("38.1"), D("15.15"), D("4.65"), D("2.5"), D("0")),
    ("A4 4×10 ป้าย 48.5×25.4 มม.", D("210"), D("297"), 4, 10, D("48.5"), D("25.4"), D("21.5"), D("8"), D("0"), D("0")),
    ("ม้วน 50×30 มม. (ทีละป้าย)", D("50"), D("30"), 1, 1, D("50"), D("30"), D("0"), D("0"), D("0"), D("0")),
]


def forwards(apps, schema_editor):
    LabelLayout = apps.get_model("reports", "LabelLayout")
    for order, (name, pw, ph, cols, rows, lw, lh, top, left, gx, gy) in enumerate(LAYOUTS, start=1):
        LabelLayout.objects.get_or_create(name=name, defaults=dict(
            page_width=pw, page_height=ph, columns=cols, rows=rows, label_width=lw, label_height=lh,
            margin_top=top, margin_left=left, gap_x=gx, gap_y=gy, order=order))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
