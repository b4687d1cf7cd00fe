"""Seed the damage codes (AIAG/ECG M-22: area, type, severity) that handover inspections use.

The back office edits them in the admin (add, rename, deactivate); this migration only writes the
starting set and leaves rows that exist alone. The numbering follows the M-22 layout as commonly
published (two-digit area and type, one-digit severity by size); check it against the current
AIAG/ECG publication before relying on it with partners.
"""

from django.db import migrations

AREAS = [
    ("01", "アンテナ", "Antenna"),
    ("02", "バッテリー", "Battery"),
    ("03", "フロントバンパー", "Bumper / cover, front"),
    ("04", "リアバンパー", "Bumper / cover, rear"),
    ("05", "左フロントドア", "Door, left front"),
    ("06", "左リアドア", "Door, left rear"),
    ("07", "右フロントドア", "Door, right front"),
    ("08", "右リアドア", "Door, right rear"),
    ("09", "左フロントフェンダー", "Fender, left front"),
    ("10", "右フロントフェンダー", "Fender, right front"),
    ("11", "グリル", "Grille"),
    ("12", "ボンネット", "Hood"),
    ("13", "左リアクォーターパネル", "Quarter panel, left rear"),
    ("14", "右リアクォーターパネル", "Quarter panel, right rear"),
    ("15", "ルーフ", "Roof"),
    ("16", "トランクリッド・テールゲート", "Trunk lid / tailgate"),
    ("17", "フロントガラス", "Windshield"),
    ("18", "ホイール・タイヤ", "Wheel / tyre"),
    ("19", "ドアミラー", "Mirror"),
    ("20", "アンダーボディ", "Underbody"),
]
TYPES = [
    ("01", "曲がり", "Bent"),
    ("02", "破損", "Broken"),
    ("03", "切り傷", "Cut"),
    ("04", "へこみ", "Dented"),
    ("05", "塗装欠け", "Chipped"),
    ("06", "えぐれ", "Gouged"),
    ("07", "擦り傷", "Scratched"),
    ("08", "ひび割れ", "Cracked"),
    ("09", "欠品", "Missing"),
    ("10", "汚れ", "Soiled"),
    ("11", "ガラス損傷", "Glass damage"),
]
SEVERITIES = [
    ("1", "2.5 cm 未満", "Under 2.5 cm (1 in)"),
    ("2", "2.5〜7.5 cm", "2.5 to 7.5 cm (1 to 3 in)"),
    ("3", "7.5〜15 cm", "7.5 to 15 cm (3 to 6 in)"),
    ("4", "15〜30 cm", "15 to 30 cm (6 to 12 in)"),
    ("5", "30 cm 超", "Over 30 cm (12 in)"),
    ("6", "交換が必要", "Replacement needed"),
]


def seed(apps, schema_editor):
    DamageCode = apps.get_model("importorders", "DamageCode")
    for dimension, rows in (("area", AREAS), ("type", TYPES), ("severity", SEVERITIES)):
        for code, ja, en in rows:
            DamageCode.objects.get_or_create(
                dimension=dimension, code=code, defaults={"name_ja": ja, "name_en": en, "active": True}
            )


class Migration(migrations.Migration):
    dependencies = [("importorders", "0016_handover_inspections")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
