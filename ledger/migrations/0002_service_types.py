from django.db import migrations

# 服务类型 of the provincial form and the statistics (seed 001 二(二), seed 004).
SERVICE_TYPES = [
    ("consultation", "法律咨询"),
    ("mediation", "纠纷调解"),
    ("document_drafting", "代写法律文书"),
    ("contract_review", "合同审查及法律意见"),
    ("village_rules", "村规民约审核"),
    ("legal_aid", "协助法律援助申请"),
    ("case", "代理案件"),
    ("publicity", "法治宣传/讲座"),
    ("mediator_training", "人民调解员培训"),
    ("election", "换届选举协助"),
    ("petition", "涉法涉诉信访"),
    ("other", "其他"),
]


def create(apps, schema_editor):
    ServiceType = apps.get_model("ledger", "ServiceType")
    for position, (code, name) in enumerate(SERVICE_TYPES):
        ServiceType.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
