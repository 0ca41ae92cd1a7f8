from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The benchmark and load-test commands: installed in development, or with BENCHMARKS=1 for a measured run on
    production settings; never part of what a production server loads."""

    name = "benchmarks"
    verbose_name = "性能测试"
