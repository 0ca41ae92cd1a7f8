"""Logs and error reports never carry a full mobile or ID number (PIPL).

- `ScrubPersonalNumbers`: a logging filter on every handler of settings.LOGGING. It formats the message with its
  arguments, masks the numbers (common/masking.py) and keeps the result as the message; the traceback text too.
- `ScrubbingExceptionReporterFilter` (DEFAULT_EXCEPTION_REPORTER_FILTER): the request's POST/GET values, the frames'
  local variables and the settings shown in an error report are masked as well as cleansed of secrets.
- `SafeAdminEmailHandler`: the error mail; a failure to build it never breaks the 500 page.
- `ScrubbingExceptionReporter` (DEFAULT_EXCEPTION_REPORTER): the finished report, text and HTML (the mail to ADMINS
  from AdminEmailHandler, the DEBUG 500 page), passed through the scrubber once more: the exception's own message,
  the URL and the headers included.

Loaded while settings configure logging: imports nothing that needs the app registry.
"""

import logging

from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from .masking import scrub_text


class ScrubPersonalNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it to the handler's own error reporting
            return True
        record.msg = scrub_text(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info)
        return True


def _scrub_value(value):
    """`value` with every string in it masked. Any value: a container whose own type cannot be rebuilt from its
    items (a namedtuple, a custom list) comes back as a plain list, tuple or dict; anything else as it is (the
    finished report's text is masked once more by ScrubbingExceptionReporter)."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_scrub_value(v) for v in value]
        if hasattr(value, "_fields"):  # a namedtuple takes its items as arguments
            try:
                return type(value)(*items)
            except Exception:
                return tuple(items)
        try:
            return type(value)(items)
        except Exception:
            return tuple(items) if isinstance(value, tuple) else items
    return value


class ScrubbingExceptionReporterFilter(SafeExceptionReporterFilter):
    def cleanse_setting(self, key, value):
        return _scrub_value(super().cleanse_setting(key, value))

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if not params:
            return params
        params = params.copy()
        for key in params:
            params.setlist(key, [_scrub_value(v) for v in params.getlist(key)])
        return params

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, _scrub_value(value))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class ScrubbingExceptionReporter(ExceptionReporter):
    def get_traceback_text(self):
        return scrub_text(super().get_traceback_text())

    def get_traceback_html(self):
        return scrub_text(super().get_traceback_html())


class SafeAdminEmailHandler(AdminEmailHandler):
    """The error mail to ADMINS. Building the report runs a lot of code over arbitrary values; if that fails, the
    failure is reported on stderr (logging's handleError) instead of escaping into the request, where it would
    replace the site's own 500 page with the server's bare one."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except Exception:
            self.handleError(record)
