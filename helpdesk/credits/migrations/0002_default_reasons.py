from django.db import migrations

REASONS = [
    ("late-delivery", "Late delivery", "تأخر التوصيل", "تأخیر در ارسال"),
    ("damaged-item", "Damaged item", "منتج تالف", "کالای آسیب‌دیده"),
    ("wrong-item", "Wrong item", "منتج خاطئ", "کالای اشتباه"),
    ("sla-breach", "Apology for a slow answer", "اعتذار عن تأخر الرد", "پوزش برای پاسخ دیرهنگام"),
    ("goodwill", "Goodwill", "لفتة تقدير", "حسن نیت"),
]


def forwards(apps, schema_editor):
    CreditReason = apps.get_model("credits", "CreditReason")
    for position, (code, name, name_ar, name_fa) in enumerate(REASONS):
        CreditReason.objects.get_or_create(
            code=code, defaults={"name": name, "name_ar": name_ar, "name_fa": name_fa, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
