"""Uploads on S3-compatible object storage (common/storage.py), against moto's in-process S3: no network. The
storages are built as config/settings.py builds them from S3_* variables (tests/test_settings.py checks that)."""

import boto3
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import FileField
from moto import mock_aws

PUBLIC, PRIVATE = "cunju-public", "cunju-private"


def s3_storage(bucket: str, base_url: str) -> dict:
    options = {"region_name": "us-east-1", "access_key": "testing", "secret_key": "testing"}
    return {
        "BACKEND": "common.storage.SiteServedS3Storage",
        "OPTIONS": {**options, "bucket_name": bucket, "base_url": base_url, "file_overwrite": False},
    }


@pytest.fixture
def s3(settings, monkeypatch):
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=PUBLIC)
        client.create_bucket(Bucket=PRIVATE)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_storage(PUBLIC, "/media/"),
            "private": s3_storage(PRIVATE, "/private/"),
        }
        # File fields whose storage is a callable (built once, at import) are built again from these settings.
        for model in apps.get_models():
            for field in model._meta.fields:
                if isinstance(field, FileField) and hasattr(field, "_storage_callable"):
                    monkeypatch.setattr(field, "storage", field._storage_callable())
        yield client


def keys(client, bucket: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_a_private_file_goes_to_the_private_bucket_and_is_served_through_the_scoped_view(
    client, s3, agreement, bureau_admin_user
):
    content = b"%PDF-1.4 scanned contract\n"
    agreement.contract_scan.save("协议.pdf", SimpleUploadedFile("协议.pdf", content, "application/pdf"))
    url = agreement.contract_scan.url
    client.force_login(bureau_admin_user)

    response = client.get(url)

    assert keys(s3, PRIVATE) == [agreement.contract_scan.name] and keys(s3, PUBLIC) == []
    assert url.startswith("/private/agreements/")  # the app's own address, never the bucket's
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert response["Content-Security-Policy"] == "sandbox"


def test_a_private_file_is_not_served_to_someone_outside_its_scope(
    client, s3, agreement, other_bureau_admin_user
):
    agreement.contract_scan.save("协议.pdf", SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n", "application/pdf"))
    client.force_login(other_bureau_admin_user)

    assert client.get(agreement.contract_scan.url).status_code == 404


def test_a_second_upload_of_the_same_name_keeps_the_first(s3, agreement, second_agreement):
    agreement.contract_scan.save("协议.pdf", SimpleUploadedFile("协议.pdf", b"first", "application/pdf"))
    second_agreement.contract_scan.save(
        "协议.pdf", SimpleUploadedFile("协议.pdf", b"second", "application/pdf")
    )

    assert agreement.contract_scan.name != second_agreement.contract_scan.name
    assert len(keys(s3, PRIVATE)) == 2


def test_a_public_photo_goes_to_the_public_bucket_under_the_sites_media_url(s3, advisor_user):
    advisor = advisor_user.advisor
    advisor.photo.save("张明.jpg", SimpleUploadedFile("张明.jpg", b"\xff\xd8\xff", "image/jpeg"))

    assert keys(s3, PUBLIC) == [advisor.photo.name] and keys(s3, PRIVATE) == []
    assert advisor.photo.url.startswith("/media/advisors/photos/")
