from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache


@checks.register(checks.Tags.caches)
def check_shared_cache(app_configs, **kwargs) -> list:
    """Production needs a cache every process shares (REDIS_URL): with one per process, each gunicorn worker counts
    the public searches on its own (65 of 120 passed a limit of 30 with three workers) and keeps its own cached
    public pages (old names after a change). SINGLE_PROCESS=1 says the installation runs one process."""
    if settings.DEBUG or settings.SINGLE_PROCESS:
        return []
    if isinstance(caches["default"], LocMemCache | DummyCache):
        return [
            checks.Error(
                "生产环境（DEBUG=False）必须使用各进程共享的缓存：请设置 REDIS_URL。",
                hint="只运行一个进程（如 gunicorn --workers 1）时，可设置 SINGLE_PROCESS=1。",
                id="common.E001",
            )
        ]
    return []
