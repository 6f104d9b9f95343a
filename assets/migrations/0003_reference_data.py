"""Seed the editable reference lists of DOMAIN.md section 3 (codes and useful lives are configurable)."""

from django.db import migrations

CATEGORIES = [
    ("401", "สำนักงาน", 5), ("402", "การศึกษา", 5), ("403", "ยานพาหนะและขนส่ง", 5), ("404", "การเกษตร", 5),
    ("405", "ก่อสร้าง", 5), ("406", "ไฟฟ้าและวิทยุ", 5), ("407", "โฆษณาและเผยแพร่", 5),
    ("408", "วิทยาศาสตร์และการแพทย์", 5), ("409", "งานบ้านงานครัว", 5), ("410", "โรงงาน", 5), ("411", "กีฬา", 5),
    ("412", "สำรวจ", 5), ("413", "อาวุธ", 5), ("414", "ดนตรีและนาฏศิลป์", 5), ("416", "คอมพิวเตอร์", 3),
    ("417", "สนาม", 5), ("418", "อื่น", 5),
]
BUDGET_TYPES = [("BUDGET", "เงินงบประมาณ"), ("OFFBUDGET", "เงินนอกงบประมาณ"), ("SUBSIDY", "เงินอุดหนุน"),
                ("RESERVE", "เงินสะสม"), ("DONATION", "เงินบริจาค")]
METHODS = [("BUY", "ซื้อ"), ("HIRE", "จ้าง"), ("DONATED", "รับบริจาค"), ("TRANSFER", "รับโอน"), ("OTHER", "อื่น ๆ")]


def forwards(apps, schema_editor):
    Category = apps.get_model("assets", "Category")
    for code, name, life in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "useful_life_years": life})
    BudgetType = apps.get_model("assets", "BudgetType")
    for code, name in BUDGET_TYPES:
        BudgetType.objects.get_or_create(code=code, defaults={"name": name})
    AcquisitionMethod = apps.get_model("assets", "AcquisitionMethod")
    for code, name in METHODS:
        AcquisitionMethod.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("assets", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
