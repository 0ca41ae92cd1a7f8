"""PIPL: logs and error reports never contain a full phone or ID number (common/log_scrubbing.py, settings.LOGGING)."""

import logging

import pytest
from django.core import mail

MOBILE, ID_NUMBER = "13912345678", "41010219900101123X"


def test_logs_never_contain_full_phone_or_id_numbers(caplog):
    caplog.set_level(logging.INFO)

    logging.getLogger("ledger").warning("回访 %s，身份证 %s", MOBILE, ID_NUMBER)
    try:
        raise ValueError(f"对象电话 {MOBILE} 无效")
    except ValueError:
        logging.getLogger("notifications").exception("短信发送失败：%(to)s", {"to": MOBILE})

    assert caplog.records, "nothing was logged"
    assert MOBILE not in caplog.text and ID_NUMBER not in caplog.text
    assert "139****5678" in caplog.text and "410***********123X" in caplog.text
    for record in caplog.records:
        assert MOBILE not in record.getMessage() and MOBILE not in (record.exc_text or "")


def test_every_logging_handler_carries_the_scrubbing_filter():
    from common.log_scrubbing import ScrubPersonalNumbers

    handlers = {
        h
        for name in ("", "django", "django.request", "django.server")
        for h in logging.getLogger(name).handlers
    }
    configured = [h for h in handlers if type(h).__module__ != "_pytest.logging"]
    assert configured
    for handler in configured:
        assert any(isinstance(f, ScrubPersonalNumbers) for f in handler.filters), handler


@pytest.mark.django_db
def test_error_mails_to_admins_mask_phone_and_id_numbers(settings, rf):
    settings.ADMINS = [("管理员", "admin@example.com")]
    request = rf.post(f"/logs/new/?q={MOBILE}", {"object_phone": MOBILE, "remarks": f"身份证{ID_NUMBER}"})
    object_phone = MOBILE  # a local variable of the failing frame  # noqa: F841
    try:
        raise RuntimeError(f"保存失败：{MOBILE} {ID_NUMBER}")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s?q=%s",
            request.path,
            MOBILE,
            exc_info=True,
            extra={"status_code": 500, "request": request},
        )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    everything = message.subject + message.body + "".join(str(a[1]) for a in message.alternatives)
    assert MOBILE not in everything and ID_NUMBER not in everything
    assert "139****5678" in everything


def test_the_error_report_filter_masks_post_fields_and_settings(rf):
    from django.views.debug import get_default_exception_reporter_filter

    request = rf.post("/", {"object_phone": MOBILE, "password": "secret"})
    report_filter = get_default_exception_reporter_filter()

    post = report_filter.get_post_parameters(request)
    assert post["object_phone"] == "139****5678"
    assert report_filter.cleanse_setting("SUPPORT_PHONE", MOBILE) == "139****5678"
