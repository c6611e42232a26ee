from django.db import migrations

# code, English, Arabic, Persian, opens a follow-up ticket
EXIT_REASONS = [
    ("price", "Price", "السعر", "قیمت", False),
    ("product-quality", "Product quality", "جودة المنتج", "کیفیت کالا", False),
    ("delivery-problems", "Delivery problems", "مشاكل التوصيل", "مشکلات ارسال", False),
    ("customer-service", "Customer service", "خدمة العملاء", "خدمات پشتیبانی", True),
    ("found-alternative", "Found an alternative", "وجدت بديلًا", "جایگزین بهتری پیدا کردم", False),
    ("no-longer-needed", "No longer needed", "لم أعد بحاجة إليه", "دیگر نیازی ندارم", False),
    ("other", "Other", "سبب آخر", "دلیل دیگر", False),
]


def forwards(apps, schema_editor):
    ExitReason = apps.get_model("surveys", "ExitReason")
    SurveySettings = apps.get_model("surveys", "SurveySettings")
    for position, (code, name, name_ar, name_fa, follow_up) in enumerate(EXIT_REASONS):
        ExitReason.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_ar": name_ar,
                "name_fa": name_fa,
                "position": position,
                "opens_follow_up": follow_up,
            },
        )
    SurveySettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
