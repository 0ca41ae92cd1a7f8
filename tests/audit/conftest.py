import pytest

from audit.models import AuditEntry


@pytest.fixture
def trail(db):
    """The entries written from here on, newest first, as a function: `trail(event="login")`. (The table is not
    flushed between transactional tests, so a floor keeps another test's entries out.)"""
    floor = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def entries(**filters):
        return list(AuditEntry.objects.filter(pk__gt=floor, **filters).order_by("-pk"))

    return entries
