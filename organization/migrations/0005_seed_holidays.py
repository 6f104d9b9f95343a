"""Thailand's fixed-date public holidays for 2024–2027, and the substitution days announced for them.

The list is reference data: a municipality adds the Buddhist holidays (their dates follow the lunar
calendar), special days off the cabinet announces and the rest in the admin (วันหยุดราชการ).
"""

import datetime as dt

from django.db import migrations

FIXED = [
    (1, 1, "วันขึ้นปีใหม่"), (4, 6, "วันจักรี"), (4, 13, "วันสงกรานต์"), (4, 14, "วันสงกรานต์"),
    (4, 15, "วันสงกรานต์"), (5, 1, "วันแรงงานแห่งชาติ"), (5, 4, "วันฉัตรมงคล"),
    (6, 3, "วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าฯ พระบรมราชินี"),
    (7, 28, "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว"), (8, 12, "วันแม่แห่งชาติ"),
    (10, 13, "วันนวมินทรมหาราช"), (10, 23, "วันปิยมหาราช"), (12, 5, "วันพ่อแห่งชาติ"),
    (12, 10, "วันรัฐธรรมนูญ"), (12, 31, "วันสิ้นปี"),
]
SUBSTITUTES = [
    (dt.date(2024, 10, 14), "ชดเชยวันนวมินทรมหาราช"),
    (dt.date(2025, 5, 5), "ชดเชยวันฉัตรมงคล"),
    (dt.date(2025, 4, 16), "ชดเชยวันสงกรานต์"),
]


def forwards(apps, schema_editor):
    Holiday = apps.get_model("organization", "Holiday")
    wanted = [(dt.date(year, month, day), name) for year in range(2024, 2028) for month, day, name in FIXED]
    wanted += SUBSTITUTES
    existing = set(Holiday.objects.values_list("date", flat=True))
    Holiday.objects.bulk_create([Holiday(date=date, name=name) for date, name in wanted if date not in existing])


class Migration(migrations.Migration):
    dependencies = [("organization", "0004_holiday")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
