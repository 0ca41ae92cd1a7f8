"""Logs and error reports never carry a full mobile or ID number (PIPL).

- `ScrubPersonalNumbers`: a logging filter on every handler of settings.LOGGING. It formats the message with its
  arguments, masks the numbers (common/masking.py) and keeps the result as the message; the traceback text too.
- `ScrubbingExceptionReporterFilter` (DEFAULT_EXCEPTION_REPORTER_FILTER): the request's POST/GET values, the frames'
  local variables and the settings shown in an error report are masked as well as cleansed of secrets.
- `ScrubbingExceptionReporter` (DEFAULT_EXCEPTION_REPORTER): the finished report, text and HTML (the mail to ADMINS
  from AdminEmailHandler, the DEBUG 500 page), passed through the scrubber once more: the exception's own message,
  the URL and the headers included.

Loaded while settings configure logging: imports nothing that needs the app registry.
"""

import logging

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
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_scrub_value(v) for v in value)
    if isinstance(value, dict):
        return {k: _scrub_value(v) for k, v in value.items()}
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
