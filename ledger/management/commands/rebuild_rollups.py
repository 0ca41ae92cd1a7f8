from django.core.management.base import BaseCommand, CommandError

from ledger import rollups


class Command(BaseCommand):
    help = "重建工作日志月度汇总（工作情况统计表所用）：指定年月、整年，或不带参数重建全部月份。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, help="年度；不填则重建全部")
        parser.add_argument("--month", type=int, help="月份（1–12），需同时指定 --year")

    def handle(self, *args, year: int | None, month: int | None, **options) -> None:
        if month is not None and (year is None or not 1 <= month <= 12):
            raise CommandError("--month 须为 1–12，并同时指定 --year。")
        months = rollups.rebuild(year=year, month=month)
        self.stdout.write(self.style.SUCCESS(f"已重建月度汇总：{months} 个月。"))
