from time import monotonic

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.generator import SCALES, DemoDataError, generate
from villages.models import Bureau


class Command(BaseCommand):
    help = "生成演示数据：司法局、乡镇(街道)、村(社区)、法律顾问、协议和演示账号。已存在时只重置演示账号。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="district", help="数据规模")
        parser.add_argument("--years", type=int, default=1, help="活动数据的年数：今年至今，加上之前的整年")
        parser.add_argument("--seed", type=int, default=2026, help="随机数种子")
        parser.add_argument("--force", action="store_true", help="DEBUG 关闭时也生成")
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库中已有任何司法局时什么也不做（make run 使用）"
        )

    def handle(
        self, *args, scale: str, years: int, seed: int, force: bool, if_empty: bool, **options
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(_("当前为生产配置（DEBUG=False），拒绝生成演示数据；确需生成请加 --force。"))
        if if_empty and Bureau.objects.exists():
            self.stdout.write(_("数据库中已有数据，跳过生成演示数据。"))
            return
        try:
            started = monotonic()
            summary = generate(scale=scale, seed=seed, years=years)
        except DemoDataError as error:
            raise CommandError(str(error)) from error

        if summary.created:
            self.stdout.write(
                self.style.SUCCESS(
                    _("已生成演示数据：%(bureau)s（用时 %(seconds).0f 秒）")
                    % {"bureau": summary.bureau, "seconds": monotonic() - started}
                )
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    _("演示数据已存在（%(bureau)s），未重新生成；已确认演示账号可用。")
                    % {"bureau": summary.bureau}
                )
            )
        self.stdout.write(
            _("县级司法局 %(count)s 个；演示账号在 %(bureau)s：")
            % {"count": summary.county_bureaus, "bureau": summary.bureau}
        )
        self.stdout.write(
            _(
                "乡镇(街道) %(townships)s 个，村(社区) %(villages)s 个，法律顾问 %(advisors)s 名，"
                "协议 %(agreements)s 份（当前生效 %(current)s 份），工作日志 %(worklogs)s 条。"
            )
            % {
                "townships": summary.townships,
                "villages": summary.villages,
                "advisors": summary.advisors,
                "agreements": summary.agreements,
                "current": summary.current_agreements,
                "worklogs": summary.worklogs,
            }
        )
        self.stdout.write(_("演示账号（密码为 DEMO_PASSWORD 设置的值，默认 Demo@2026）："))
        for login in summary.logins:
            self.stdout.write(f"  {login.username:<10} {login.role}  {login.full_name}")
