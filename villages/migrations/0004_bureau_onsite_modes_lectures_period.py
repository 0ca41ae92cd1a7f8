import django.db.models
from django.db import migrations

import programme.modes


class Migration(migrations.Migration):
    dependencies = [
        ("villages", "0003_bureau_records_start_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="bureau",
            name="onsite_modes",
            field=django.db.models.JSONField(
                default=programme.modes.default_onsite_modes,
                help_text="到村服务次数和服务时长只计这些服务方式的日志。",
                verbose_name="计入到村服务的服务方式",
            ),
        ),
        migrations.RenameField(model_name="bureau", old_name="lectures_per_quarter", new_name="lectures_required"),
        migrations.AlterField(
            model_name="bureau",
            name="lectures_required",
            field=django.db.models.PositiveSmallIntegerField(default=1, verbose_name="法治讲座次数要求"),
        ),
        migrations.AddField(
            model_name="bureau",
            name="lectures_period",
            field=django.db.models.CharField(
                choices=[("quarter", "每季度"), ("year", "每年")],
                default="quarter",
                help_text="每季度 1 次（001号文）或每年 2 次（003号文）。",
                max_length=10,
                verbose_name="法治讲座计算周期",
            ),
        ),
        migrations.AddField(
            model_name="bureau",
            name="verification_days",
            field=django.db.models.PositiveSmallIntegerField(
                default=10,
                help_text="日志经村(居)确认满该天数后仍未核查的，才计入“日志经司法所核查”指标的分母。",
                verbose_name="司法所核查期限(天)",
            ),
        ),
    ]
