"""Writes on residents' requests and ratings, and the two daily jobs (escalation, erasure of personal data).

Working days are Monday to Friday: public holidays and their make-up working days (调休) are not modelled.
"""

import calendar
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advisors.models import Advisor
from audit.services import RESIDENT_BLOCKED, audit_bulk_change, audit_event
from common.masking import MOBILE_RE
from deadlines.services.common import office_staff
from notifications.services import Message, notify, notify_many
from programme.calendar import end_of_day, zh_date
from villages.models import Bureau, Village

from .models import ResidentRating, ResidentRequest
from .selectors import may_close

LANDLINE_RE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")
# A link in a resident's question is what spam looks like; a resident has no reason to send one.
LINK_RE = re.compile(r"https?://|www\.|\.(com|cn|net|top|xyz)\b", re.IGNORECASE)


# --- dates ---


def add_working_days(day: date, count: int) -> date:
    """The `count`-th working day (Mon–Fri) after `day`."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def due_at_for(bureau: Bureau, created_at: datetime) -> datetime:
    """The end of the bureau's N-th working day after the day the request came in."""
    start = timezone.localdate(created_at)
    return end_of_day(add_working_days(start, bureau.resident_request_due_working_days))


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def month_of(moment: datetime) -> str:
    return timezone.localdate(moment).strftime("%Y-%m")


# --- phones ---


def normalise_phone(raw: str) -> str:
    """A mainland mobile as 11 digits, or a landline as 0375-1234567; anything else is refused."""
    value = re.sub(r"[\s()（）]", "", raw or "")
    match = MOBILE_RE.fullmatch(value)
    if match:
        return "".join(match.groups())
    if LANDLINE_RE.fullmatch(value):
        return value
    raise ValidationError({"phone": _("请填写正确的手机号（11位）或座机号（如 0375-1234567）。")})


def phone_key(phone: str) -> str:
    """A keyed hash of the number: holds the once-a-month limit without keeping the number."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"resident-phone:{phone}".encode(), hashlib.sha256
    ).hexdigest()


# --- requests ---


@dataclass(frozen=True)
class RequestInput:
    village: Village
    advisor: Advisor
    name: str
    phone: str
    question: str
    preferred_mode: str
    preferred_time: str = ""
    consent: bool = False


@transaction.atomic
def resident_request_create(
    *, data: RequestInput, client_uuid: UUID | None = None, spam_reason: str = "", request=None
) -> ResidentRequest:
    """A resident's request to their village's advisor; the same form sent twice (client_uuid) is saved once.

    One that looks like spam (`spam_reason`, or a link in the question) is kept aside with status 已拦截: it never
    reaches the advisor's list and notifies nobody; the audit trail records it.
    """
    if client_uuid:
        existing = ResidentRequest.objects.filter(client_uuid=client_uuid).first()
        if existing:
            return existing
    if not data.consent:
        raise ValidationError({"consent": _("请勾选同意，我们才能用您的电话联系您。")})
    if not spam_reason and LINK_RE.search(data.question):
        spam_reason = "link"
    now = timezone.now()
    bureau = data.village.township.bureau
    resident_request = ResidentRequest(
        village=data.village,
        advisor=data.advisor,
        name=data.name.strip(),
        phone=normalise_phone(data.phone),
        question=data.question.strip(),
        preferred_mode=data.preferred_mode,
        preferred_time=data.preferred_time.strip(),
        consented_at=now,
        client_uuid=client_uuid,
        due_at=due_at_for(bureau, now),
        status=ResidentRequest.Status.SPAM if spam_reason else ResidentRequest.Status.OPEN,
        spam_reason=spam_reason,
    )
    resident_request.full_clean(exclude=["client_uuid"])
    resident_request.save()
    if spam_reason:
        audit_event(
            RESIDENT_BLOCKED,
            request=request,
            obj=resident_request,
            result="denied",
            detail=_("群众留言疑似垃圾信息，已拦截"),
            data={"reason": spam_reason},
        )
        return resident_request
    if data.advisor.user_id:
        notify(
            recipients=[data.advisor.user],
            key=f"resident_request:{resident_request.pk}",
            title=_("新的群众留言：%(village)s") % {"village": data.village.name},
            body=_("请在 %(due)s（含当天）前电话或上门答复，办结后可一键生成工作日志。")
            % {"due": zh_date(resident_request.due_on)},
            url=resident_request.get_absolute_url(),
        )
    return resident_request


@transaction.atomic
def resident_request_close(*, resident_request: ResidentRequest, by, answered_mode: str, answer: str):
    """The advisor (or, once escalated, the justice office) closes the request. Closed by its advisor, it drafts
    the work log of the consultation (服务对象, content, result), which the advisor checks and submits."""
    from ledger.models import ServiceMode, ServiceType, WorkLog
    from ledger.services import WorkLogInput, worklog_create

    locked = ResidentRequest.objects.select_for_update().get(pk=resident_request.pk)
    if not may_close(by, locked):
        if not locked.is_open:
            raise ValidationError(_("该留言已办结。"))
        raise PermissionDenied(_("只有该村(居)的法律顾问，或逾期后所在乡镇司法所，可以办结留言。"))
    if answered_mode not in ServiceMode.values:
        raise ValidationError({"answered_mode": _("请选择答复方式。")})
    if not answer.strip():
        raise ValidationError({"answer": _("请简要写明答复情况。")})
    now = timezone.now()
    locked.status = ResidentRequest.Status.CLOSED
    locked.closed_at = now
    locked.closed_by = by
    locked.answered_mode = answered_mode
    locked.answer = answer.strip()
    if locked.advisor.user_id == by.pk:
        local = timezone.localtime(now)
        start = (local - timedelta(minutes=30)).time().replace(second=0, microsecond=0)
        end = local.time().replace(second=0, microsecond=0)
        if start >= end:  # just after midnight: a short slot at the start of the day
            start, end = end.replace(hour=0, minute=0), end.replace(hour=0, minute=30)
        locked.worklog = worklog_create(
            by=by,
            data=WorkLogInput(
                village=locked.village,
                service_types=list(ServiceType.objects.filter(code=ServiceType.CONSULTATION)),
                values={
                    "service_date": local.date(),
                    "start_time": start,
                    "end_time": end,
                    "mode": answered_mode,
                    "object_kind": WorkLog.ObjectKind.PERSON,
                    "object_name": locked.name,
                    "object_phone": locked.phone,
                    "people_served": 1,
                    "content": _("群众留言咨询（编号 %(ref)s）：%(question)s")
                    % {"ref": locked.reference, "question": locked.question},
                    "result": locked.answer,
                },
            ),
        )
    locked.save()
    return locked


def resident_requests_escalate(*, on: date) -> dict:
    """Requests still open at the end of their due day go to their township's justice office (and the advisor is
    told). Idempotent: a request is escalated once (its status changes), its notifications are keyed."""
    deadline = end_of_day(on)
    overdue = list(
        ResidentRequest.objects.filter(status=ResidentRequest.Status.OPEN, due_at__lte=deadline).values(
            "pk",
            "reference",
            "village_id",
            "village__name",
            "village__township_id",
            "advisor__user_id",
            "advisor__name",
        )
    )
    if not overdue:
        return {"summary": "没有逾期未答复的群众留言。", "escalated": 0, "notified": 0}
    ids = [row["pk"] for row in overdue]
    ResidentRequest.objects.filter(pk__in=ids, status=ResidentRequest.Status.OPEN).update(
        status=ResidentRequest.Status.ESCALATED, escalated_at=timezone.now()
    )
    audit_bulk_change(ResidentRequest, detail="群众留言逾期未答复，转司法所", data={"ids": ids, "on": on})
    staff = office_staff({row["village__township_id"] for row in overdue})
    messages = []
    for row in overdue:
        url = reverse("consultations:request_detail", args=[row["pk"]])
        title = _("群众留言逾期未答复：%(village)s（%(advisor)s）") % {
            "village": row["village__name"],
            "advisor": row["advisor__name"],
        }
        body = _("留言 %(ref)s 已过答复期限，已转司法所督办。") % {"ref": row["reference"]}
        recipients = [*staff[row["village__township_id"]]]
        if row["advisor__user_id"]:
            recipients.append(row["advisor__user_id"])
        messages += [
            Message(
                recipient_id=user_id,
                key=f"resident_request_escalated:{row['pk']}",
                title=title,
                body=body,
                url=url,
            )
            for user_id in recipients
        ]
    created = notify_many(messages)
    return {
        "summary": f"{len(ids)} 条群众留言逾期未答复，已转司法所（新通知 {len(created)} 条）。",
        "escalated": len(ids),
        "notified": len(created),
    }


ERASED = "（已删除）"


def resident_requests_erase(*, on: date) -> dict:
    """PIPL: the resident's name, number and question are erased once the bureau's retention period has passed
    since the request was closed (or caught as spam). The reference, village, dates and state stay for the
    statistics. Idempotent: erased rows are not touched again."""
    erased = 0
    deadline = end_of_day(on)
    for bureau in Bureau.objects.counties():
        cutoff = months_before(deadline, bureau.resident_data_retention_months)
        expired = ResidentRequest.objects.filter(
            Q(status=ResidentRequest.Status.CLOSED, closed_at__lt=cutoff)
            | Q(status=ResidentRequest.Status.SPAM, created_at__lt=cutoff),
            village__township__bureau=bureau,
            erased_at__isnull=True,
        )
        ids = list(expired.values_list("pk", flat=True))
        if not ids:
            continue
        ResidentRequest.objects.filter(pk__in=ids).update(
            name=ERASED, phone="", question=ERASED, preferred_time="", answer=ERASED, erased_at=timezone.now()
        )
        audit_bulk_change(
            ResidentRequest,
            detail="群众留言个人信息保存期满，已删除",
            data={"ids": ids, "bureau": bureau.pk, "months": bureau.resident_data_retention_months},
        )
        erased += len(ids)
    return {"summary": f"删除保存期满的群众留言个人信息 {erased} 条。", "erased": erased}


# --- ratings ---


@transaction.atomic
def resident_rating_create(
    *,
    advisor: Advisor,
    village: Village,
    satisfaction: str,
    comment: str = "",
    phone: str,
    resident_request: ResidentRequest | None = None,
) -> ResidentRating:
    """A resident's rating: at most one per phone number, advisor and month; one per request."""
    if resident_request is not None:
        if resident_request.status != ResidentRequest.Status.CLOSED:
            raise ValidationError(_("留言办结后才能评价。"))
        if ResidentRating.objects.filter(request=resident_request).exists():
            raise ValidationError(_("这条留言已经评价过了，谢谢您。"))
    now = timezone.now()
    rating = ResidentRating(
        advisor=advisor,
        village=village,
        request=resident_request,
        satisfaction=satisfaction,
        comment=comment.strip(),
        phone_key=phone_key(normalise_phone(phone)),
        month=month_of(now),
    )
    rating.full_clean(exclude=["phone_key", "month", "request"])
    if ResidentRating.objects.filter(
        advisor=advisor, phone_key=rating.phone_key, month=rating.month
    ).exists():
        raise ValidationError(_("这个电话号码本月已经评价过该法律顾问，下个月可以再评。"))
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:  # the same rating sent twice at once
        raise ValidationError(_("这个电话号码本月已经评价过该法律顾问，下个月可以再评。")) from None
    return rating
