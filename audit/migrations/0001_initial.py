"""The audit table. The model is unmanaged (so `flush` never empties the trail); this migration creates its table
itself, relations included (without database constraints: deleting a user or a content type never touches a row)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def create_table(apps, schema_editor):
    model = apps.get_model("audit", "AuditEntry")
    # The schema editor leaves out the indexes of an unmanaged model: this historical copy is managed for the call.
    model._meta.managed = True
    schema_editor.create_model(model)


def drop_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("audit", "AuditEntry"))


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name='object id')),
                ('serialized_data', models.JSONField(null=True)),
                ('action', models.PositiveSmallIntegerField(choices=[(0, 'create'), (1, 'update'), (2, 'delete'), (3, 'access')], db_index=True, verbose_name='action')),
                ('changes_text', models.TextField(blank=True, verbose_name='change message')),
                ('changes', models.JSONField(null=True, verbose_name='change message')),
                ('cid', models.CharField(blank=True, db_index=True, max_length=255, null=True, verbose_name='Correlation ID')),
                ('remote_addr', models.GenericIPAddressField(blank=True, null=True, verbose_name='remote address')),
                ('remote_port', models.PositiveIntegerField(blank=True, null=True, verbose_name='remote port')),
                ('timestamp', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='timestamp')),
                ('additional_data', models.JSONField(blank=True, null=True, verbose_name='additional data')),
                ('actor_email', models.CharField(blank=True, max_length=254, null=True, verbose_name='actor email')),
                ('object_pk', models.CharField(blank=True, db_index=True, default='', max_length=255, verbose_name='对象编号')),
                ('object_repr', models.TextField(blank=True, default='', verbose_name='对象')),
                ('actor_username', models.CharField(blank=True, db_index=True, default='', max_length=150, verbose_name='用户名')),
                ('event', models.CharField(choices=[('create', '新增'), ('update', '修改'), ('delete', '删除'), ('login', '登录'), ('login_failed', '登录失败'), ('locked_out', '账号锁定'), ('unlocked', '解除锁定'), ('logout', '退出登录'), ('password_changed', '修改密码'), ('permission_denied', '越权访问'), ('export', '导出'), ('download', '下载'), ('phone_revealed', '查看完整手机号'), ('purge', '清理过期审计记录')], db_index=True, max_length=32, verbose_name='操作')),
                ('result', models.CharField(choices=[('success', '成功'), ('failure', '失败'), ('denied', '拒绝'), ('not_found', '拒绝（不在权限范围）')], default='success', max_length=16, verbose_name='结果')),
                ('detail', models.TextField(blank=True, default='', verbose_name='说明')),
                ('content_type', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contenttypes.contenttype', verbose_name='对象类型')),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '审计记录',
                'verbose_name_plural': '审计记录',
                'db_table': 'audit_auditentry',
                'ordering': ['-timestamp'],
                'get_latest_by': 'timestamp',
                'abstract': False,
                'managed': False,
                'default_permissions': ('view',),
            },
        ),
        migrations.RunPython(create_table, drop_table),
    ]
