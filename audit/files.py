import mimetypes

from django.http import FileResponse

from .services import DOWNLOAD, audit_event

# Types a browser may show inline; anything else is downloaded, so an uploaded page can never run in our origin.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def private_file_response(field_file) -> FileResponse:
    """A private upload (contract scan, log photo, lecture outline) served safely to someone already in scope."""
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
    )
    # The user and address come from the request's audit context (audit.middleware).
    audit_event(DOWNLOAD, obj=getattr(field_file, "instance", None), detail=field_file.name)
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
