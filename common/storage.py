"""Uploads on S3-compatible object storage (django-storages), linked by the site's own URLs.

FileSystemStorage links a file as `base_url` + its name; so does this storage, never with a bucket URL:
- the private bucket (scanned contracts, log photos, outlines, exports, imports) under "/private/": each such URL is a
  view that checks the user's scope and streams the file through the app (audit/files.py, with its audit record
  and headers). The bucket allows no anonymous access and no signed URL ever leaves the app;
- the public bucket (advisor photos, WeChat QR codes and their renditions) under MEDIA_URL: the proxy in front
  (deploy/nginx.conf) forwards /media/ to the bucket, so public images stay on the site's own address (CSP
  `img-src 'self'`).
"""

from urllib.parse import urljoin

from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class SiteServedS3Storage(S3Storage):
    def __init__(self, *, base_url: str, **options):
        self.base_url = base_url
        super().__init__(**options)

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return urljoin(self.base_url, filepath_to_uri(name).lstrip("/"))
