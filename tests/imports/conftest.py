import pytest
from django.urls import reverse

from imports.models import ImportBatch

from .books import upload


class Clerk:
    """The bureau admin at the import pages; the tasks run when the request's transaction commits."""

    def __init__(self, client, user, capture):
        self.client, self.user, self.capture = client, user, capture
        client.force_login(user)

    def upload(self, content: bytes, kind: str = "roster", name: str = "名册.xlsx") -> ImportBatch:
        with self.capture(execute=True):
            response = self.client.post(
                reverse("imports:index"), {"kind": kind, "file": upload(content, name)}
            )
        assert response.status_code == 302, response.content.decode()[:3000]
        return ImportBatch.objects.latest("pk")

    def confirm(self, batch: ImportBatch) -> ImportBatch:
        with self.capture(execute=True):
            self.client.post(reverse("imports:confirm", args=[batch.pk]))
        batch.refresh_from_db()
        return batch

    def errors(self, batch: ImportBatch) -> list[tuple]:
        return [
            (sheet["name"], e["row"], e["column"], e["message"])
            for sheet in batch.report["sheets"]
            for e in sheet["errors"]
        ] + [(e["sheet"], e["row"], e["column"], e["message"]) for e in batch.report.get("errors", [])]


@pytest.fixture
def clerk(client, today, bureau_admin_user, django_capture_on_commit_callbacks):
    return Clerk(client, bureau_admin_user, django_capture_on_commit_callbacks)
