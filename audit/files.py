import mimetypes

from django.http import FileResponse

from .services import DOWNLOAD, audit_event

# Types a browser may show inline; anything else is downloaded, so an uploaded page can never run in our origin.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def private_file_response(field_file, *, download_name: str | None = None) -> FileResponse:
    """A private upload (contract scan, log photo, lecture outline) served safely to someone already in scope.
    With `download_name`, always a download under that name: for files written by someone outside the office (a PDF
    can carry JavaScript or forms that a browser's viewer would run; an uploaded name can itself be personal)."""
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES and download_name is None
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=download_name or "",
    )
    # The user and address come from the request's audit context (audit.middleware).
    audit_event(DOWNLOAD, obj=getattr(field_file, "instance", None), detail=field_file.name)
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
