"""Writes on work logs, lectures and incidents. Each checks who acts, keeps the rules, and records the trail."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policy import Reach, bureau_staff_profiles, office_staff_profiles, scope_of
from advisors.models import Advisor, Agreement
from common import uploads
from common.locking import lock
from common.uploads import clean_upload
from notifications.services import notifications_mark_read, notify
from villages.models import Township, Village

from .models import (
    Incident,
    Lecture,
    LedgerSubmission,
    ServiceType,
    WorkLog,
    WorkLogEvent,
    WorkLogPhoto,
    WorkSummary,
)

# The fields an advisor fills in; an edit records each one that changed.
WORKLOG_FIELDS = (
    "service_date",
    "start_time",
    "end_time",
    "mode",
    "object_kind",
    "object_name",
    "object_situation",
    "object_phone",
    "people_served",
    "content",
    "result",
    "remarks",
    "mediation_problem",
    "mediation_measures",
    "mediation_result",
    "mediation_major",
    "is_incident",
    "latitude",
    "longitude",
    "location_accuracy",
)
# A save over a change made since the form was shown (the form's version is the log's updated_at).
STALE_MESSAGE = gettext_lazy("记录已被他人修改，请核对后重新提交。")
MEDIATION_FIELDS = ("mediation_problem", "mediation_measures", "mediation_result")
MAX_PHOTOS = 6
PHOTO_MAX_SIDE = 1600
# 讲座提纲: PDF, Word (.docx) or a photo of it (common/uploads.py says why .doc/.wps are no longer taken).
OUTLINE_KINDS = (uploads.PDF, uploads.DOCX, uploads.IMAGE)
# Photos may still be added once the log is submitted (taken on site, uploaded later), not once it is confirmed.
PHOTO_STATUSES = (*WorkLog.EDITABLE_STATUSES, WorkLog.Status.SUBMITTED)


def advisor_of(user) -> Advisor:
    advisor = getattr(user, "advisor", None) if scope_of(user).is_advisor else None
    if advisor is None or not advisor.is_active:
        raise PermissionDenied(_("只有在岗的法律顾问可以填写工作日志。"))
    return advisor


def agreement_on(*, advisor: Advisor, village: Village, day: date) -> Agreement:
    agreement = Agreement.objects.covering(day).filter(advisor=advisor, village=village).first()
    if agreement is None:
        raise ValidationError(
            {
                "village": _("您在 %(day)s 没有与 %(village)s 的生效协议，不能为该村(居)填写日志。")
                % {"day": day, "village": village}
            }
        )
    return agreement


def ledger_closed_for(*, advisor: Advisor, village: Village, day: date) -> bool:
    """Whether a log of `day` comes after its month's ledger was submitted with the day in it: a correction
    (补录更正). Work done after the submission (the 26th to the 31st, after a ledger sent by the 25th) is an
    ordinary log of its month, never a correction."""
    submitted_at = (
        LedgerSubmission.objects.filter(
            advisor=advisor, village=village, year=day.year, month=day.month, submitted_at__isnull=False
        )
        .values_list("submitted_at", flat=True)
        .first()
    )
    return submitted_at is not None and day <= timezone.localdate(submitted_at)


def _check_content(worklog: WorkLog, service_types: list[ServiceType]) -> None:
    if not service_types:
        raise ValidationError({"service_types": _("请至少选择一种服务类型。")})
    if any(t.code == ServiceType.MEDIATION for t in service_types):
        missing = {
            f: _("纠纷调解须分别填写纠纷问题、调解措施和调解结果。")
            for f in MEDIATION_FIELDS
            if not getattr(worklog, f).strip()
        }
        if missing:
            raise ValidationError(missing)


def _snapshot(worklog: WorkLog, service_types) -> dict[str, str]:
    """The advisor's fields as a person reads them, so the trail shows old → new in words."""
    values = {}
    for field in WORKLOG_FIELDS:
        value = getattr(worklog, field)
        if field in ("mode", "object_kind"):
            value = getattr(worklog, f"get_{field}_display")()
        elif isinstance(value, bool):
            value = _("是") if value else _("否")
        elif field in ("start_time", "end_time") and value:
            value = value.strftime("%H:%M")
        values[field] = "" if value is None else str(value)
    values["village"] = worklog.village.name
    values["service_types"] = "、".join(t.name for t in sorted(service_types, key=lambda t: t.position))
    return values


def _record(worklog: WorkLog, action: str, by, note: str = "", changes: dict | None = None) -> None:
    WorkLogEvent.objects.create(worklog=worklog, action=action, by=by, note=note, changes=changes or {})


@dataclass
class WorkLogInput:
    village: Village
    service_types: list[ServiceType]
    values: dict  # WORKLOG_FIELDS


def _apply(worklog: WorkLog, data: WorkLogInput, *, advisor: Advisor) -> None:
    for field, value in data.values.items():
        if field not in WORKLOG_FIELDS:
            raise ValueError(field)
        setattr(worklog, field, value)
    worklog.village = data.village
    if not any(t.code == ServiceType.MEDIATION for t in data.service_types):
        worklog.mediation_major = False  # counted under 纠纷调解 only (the statistics table's sub-column)
    if worklog.service_date and worklog.service_date <= timezone.localdate():
        worklog.agreement = agreement_on(advisor=advisor, village=data.village, day=worklog.service_date)
    worklog.full_clean(exclude=["agreement", "hours", "created_by", "firm_name", "advisor"])
    # A day the submitted ledger already covered is closed: a log for it is a correction the office accepts.
    worklog.is_correction = ledger_closed_for(advisor=advisor, village=data.village, day=worklog.service_date)
    _check_content(worklog, data.service_types)


@transaction.atomic
def worklog_create(
    *, by, data: WorkLogInput, submit: bool = False, client_uuid: UUID | None = None
) -> WorkLog:
    """A new log by the advisor themselves; the same client_uuid twice (an offline retry) returns the first one."""
    advisor = advisor_of(by)
    if client_uuid:
        existing = WorkLog.objects.filter(client_uuid=client_uuid, advisor=advisor).first()
        if existing:
            return existing
    worklog = WorkLog(advisor=advisor, created_by=by, firm_name=advisor.firm.name)
    if client_uuid:
        worklog.client_uuid = client_uuid
    _apply(worklog, data, advisor=advisor)
    worklog.save()
    worklog.service_types.set(data.service_types)
    _record(worklog, WorkLogEvent.Action.CREATED, by)
    if submit:
        _submit(worklog, by)
    return worklog


def _require_author(worklog: WorkLog, by) -> None:
    if worklog.advisor.user_id != by.pk:
        raise PermissionDenied(_("只有填写日志的法律顾问本人可以修改或提交。"))


def worklog_may_edit(worklog: WorkLog, user) -> bool:
    """Whether `user` may change (and submit) the log now: its author, while it is a draft or returned."""
    return worklog.advisor.user_id == user.pk and worklog.is_editable


def worklog_may_add_photos(worklog: WorkLog, user) -> bool:
    return worklog.advisor.user_id == user.pk and worklog.status in PHOTO_STATUSES


@transaction.atomic
def worklog_update(
    *, worklog: WorkLog, by, data: WorkLogInput, submit: bool = False, version: datetime | None = None
) -> WorkLog:
    """`version` is the log's updated_at when the form was shown: a save over someone else's change is refused."""
    _require_author(worklog, by)
    lock(worklog)
    if version is not None and worklog.updated_at != version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    if not worklog.is_editable:
        raise ValidationError(_("日志已提交，不能修改；如需修改请先由司法所或村(居)退回。"))
    before = _snapshot(worklog, worklog.service_types.all())
    _apply(worklog, data, advisor=worklog.advisor)
    worklog.save()
    worklog.service_types.set(data.service_types)
    after = _snapshot(worklog, data.service_types)
    changes = {field: [before[field], after[field]] for field in after if before.get(field) != after[field]}
    if changes:
        _record(worklog, WorkLogEvent.Action.EDITED, by, changes=changes)
    if submit:
        _submit(worklog, by)
    return worklog


def _submit(worklog: WorkLog, by) -> None:
    worklog.submit()
    worklog.save()
    _record(worklog, WorkLogEvent.Action.SUBMITTED, by)
    if worklog.is_incident and not hasattr(worklog, "incident"):
        incident_report(by=by, village=worklog.village, summary=worklog.content, worklog=worklog)


@transaction.atomic
def worklog_submit(*, worklog: WorkLog, by) -> WorkLog:
    _require_author(worklog, by)
    lock(worklog)
    _check_content(worklog, list(worklog.service_types.all()))
    # The month may have closed since the draft was saved: then the log comes in as a correction.
    worklog.is_correction = ledger_closed_for(
        advisor=worklog.advisor, village=worklog.village, day=worklog.service_date
    )
    _submit(worklog, by)
    return worklog


def _acting_role(worklog: WorkLog, by) -> Reach | None:
    """The village's liaison or its township's justice office: who acts on the village's behalf on this log."""
    scope = scope_of(by)
    if scope.is_liaison and worklog.village.liaison_id == by.pk:
        return Reach.LIAISON
    if scope.is_office_of(worklog.village.township_id):
        return Reach.TOWNSHIP
    return None


@transaction.atomic
def worklog_confirm(*, worklog: WorkLog, by, note: str = "") -> WorkLog:
    """The village confirms the service (replacing the paper signature); the office may do it on its behalf."""
    role = _acting_role(worklog, by)
    if role is None:
        raise PermissionDenied(_("只有本村联络员或本乡镇司法所可以确认日志。"))
    lock(worklog)
    on_behalf = role is Reach.TOWNSHIP
    worklog.confirm(by=by, on_behalf=on_behalf)
    worklog.save()
    action = WorkLogEvent.Action.CONFIRMED_ON_BEHALF if on_behalf else WorkLogEvent.Action.CONFIRMED
    _record(worklog, action, by, note=note)
    return worklog


def _notify_advisor_returned(worklog: WorkLog, reason: str) -> None:
    if worklog.advisor.user_id:
        notify(
            recipients=[worklog.advisor.user],
            title=_("工作日志被退回：%(log)s") % {"log": worklog},
            body=reason,
            url=worklog.get_absolute_url(),
        )


@transaction.atomic
def worklog_dispute(*, worklog: WorkLog, by, reason: str) -> WorkLog:
    """The liaison does not recognise the service as written: back to the advisor with the reason."""
    if _acting_role(worklog, by) is not Reach.LIAISON:
        raise PermissionDenied(_("只有本村联络员可以对日志提出异议。"))
    lock(worklog)
    if worklog.status != WorkLog.Status.SUBMITTED:
        raise ValidationError(_("只有待确认的日志可以提出异议。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写异议理由。")})
    worklog.send_back(reason=reason)
    worklog.save()
    _record(worklog, WorkLogEvent.Action.DISPUTED, by, note=worklog.return_reason)
    _notify_advisor_returned(worklog, worklog.return_reason)
    return worklog


def _require_office(worklog: WorkLog, by) -> None:
    if _acting_role(worklog, by) is not Reach.TOWNSHIP:
        raise PermissionDenied(_("只有本乡镇司法所可以核查或退回日志。"))


@transaction.atomic
def worklog_verify(*, worklog: WorkLog, by) -> WorkLog:
    _require_office(worklog, by)
    lock(worklog)
    worklog.verify(by=by)
    worklog.save()
    _record(worklog, WorkLogEvent.Action.VERIFIED, by)
    return worklog


@transaction.atomic
def worklog_return(*, worklog: WorkLog, by, reason: str) -> WorkLog:
    _require_office(worklog, by)
    lock(worklog)
    worklog.send_back(reason=reason)
    worklog.save()
    _record(worklog, WorkLogEvent.Action.RETURNED, by, note=worklog.return_reason)
    _notify_advisor_returned(worklog, worklog.return_reason)
    return worklog


def worklogs_verify(*, worklogs, by) -> tuple[int, list[str]]:
    """Bulk verify: each log on its own, so one refused log does not stop the others."""
    done, errors = 0, []
    for worklog in worklogs:
        try:
            worklog_verify(worklog=worklog, by=by)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            errors.append(f"{worklog}：{'；'.join(getattr(error, 'messages', [str(error)]))}")
    return done, errors


def _clean_photo(upload) -> ContentFile:
    """Checked by content and size, re-encoded as JPEG at most PHOTO_MAX_SIDE px: smaller for weak connections, and
    without EXIF (no GPS). common/uploads.py does it for every upload."""
    try:
        return clean_upload(upload, kinds=(uploads.IMAGE,), max_side=PHOTO_MAX_SIDE, stem="photo")
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from error


@transaction.atomic
def worklog_add_photos(*, worklog: WorkLog, by, uploads) -> list[WorkLogPhoto]:
    _require_author(worklog, by)
    if worklog.status not in PHOTO_STATUSES:
        raise ValidationError(_("日志已确认，不能再添加照片。"))
    if worklog.photos.count() + len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("每条日志最多 %(n)s 张照片。") % {"n": MAX_PHOTOS}})
    photos = [WorkLogPhoto.objects.create(worklog=worklog, image=_clean_photo(upload)) for upload in uploads]
    if photos:
        _record(worklog, WorkLogEvent.Action.PHOTO_ADDED, by, note=str(len(photos)))
    return photos


# --- incidents ---


@transaction.atomic
def incident_report(*, by, village: Village, summary: str, worklog: WorkLog | None = None) -> Incident:
    """涉稳/重大利益事项: the township's justice office and the bureau hear of it at once (seed 004: 逐级上报), in
    the app and by e-mail."""
    advisor = advisor_of(by)
    if not summary.strip():
        raise ValidationError({"summary": _("请简要说明事项。")})
    if worklog is None:
        agreement_on(advisor=advisor, village=village, day=timezone.localdate())
    incident = Incident.objects.create(
        village=village, advisor=advisor, worklog=worklog, summary=summary.strip()
    )
    staff = [
        *office_staff_profiles([village.township_id]).select_related("user"),
        *bureau_staff_profiles([village.township.bureau_id]).select_related("user"),
    ]
    notify(
        recipients=[p.user for p in staff],
        title=_("【涉稳/重大利益事项】%(village)s（%(advisor)s 报告）")
        % {"village": village, "advisor": advisor},
        body=incident.summary,
        url=incident.get_absolute_url(),
        key=_incident_key(incident),
    )
    return incident


def _incident_key(incident: Incident) -> str:
    return f"incident:{incident.pk}"


@transaction.atomic
def incident_acknowledge(*, incident: Incident, by) -> Incident:
    """知悉: recorded once; the office user's notification of the incident is read by the same act."""
    if not scope_of(by).is_office_of(incident.village.township_id):
        raise PermissionDenied(_("只有本乡镇司法所可以确认知悉。"))
    lock(incident)
    if incident.acknowledged_at is None:
        incident.acknowledged_at = timezone.now()
        incident.acknowledged_by = by
        incident.save(update_fields=["acknowledged_at", "acknowledged_by"])
        if incident.worklog_id:
            _record(incident.worklog, WorkLogEvent.Action.INCIDENT_ACKNOWLEDGED, by)
    notifications_mark_read(recipient=by, key=_incident_key(incident))
    return incident


@transaction.atomic
def incident_record_handling(*, incident: Incident, by, handling: str, handled_at: datetime) -> Incident:
    """The office's record of how it handled the incident (what was done, when); recording it also acknowledges."""
    if not scope_of(by).is_office_of(incident.village.township_id):
        raise PermissionDenied(_("只有本乡镇司法所可以登记处置情况。"))
    if not handling.strip():
        raise ValidationError({"handling": _("请填写处置情况。")})
    if handled_at > timezone.now():
        raise ValidationError({"handled_at": _("处置时间不能晚于现在。")})
    if handled_at < incident.reported_at:
        raise ValidationError({"handled_at": _("处置时间不能早于事项报告时间。")})
    incident_acknowledge(incident=incident, by=by)
    incident.handling = handling.strip()
    incident.handled_at = handled_at
    incident.handling_recorded_by = by
    incident.full_clean()
    incident.save(update_fields=["handling", "handled_at", "handling_recorded_by"])
    return incident


def incidents_escalate(*, on: date | None = None) -> dict:
    """Each incident its office has not acknowledged within the bureau's incident_escalation_hours is told to the
    bureau's staff, once (seed 004: 逐级上报). Runs hourly and as a daily deadline job; `on` is the job's date,
    unused: whatever is overdue now is escalated."""
    now = timezone.now()
    escalated = 0
    overdue = (
        Incident.objects.filter(acknowledged_at__isnull=True, escalated_at__isnull=True)
        .select_related("village__township__bureau", "advisor")
        .order_by("reported_at")
    )
    for incident in overdue.iterator(chunk_size=200):
        bureau = incident.village.township.bureau
        if incident.reported_at > now - timedelta(hours=bureau.incident_escalation_hours):
            continue
        with transaction.atomic():
            # A concurrent run escalates it once: only the run whose update matched notifies.
            if not Incident.objects.filter(pk=incident.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            staff = bureau_staff_profiles([bureau.pk]).select_related("user")
            notify(
                recipients=[p.user for p in staff],
                title=_("【涉稳事项逾期未知悉】%(village)s（%(office)s超过 %(hours)s 小时未知悉）")
                % {
                    "village": incident.village,
                    "office": incident.village.township.office_name or incident.village.township.name,
                    "hours": bureau.incident_escalation_hours,
                },
                body=incident.summary,
                url=incident.get_absolute_url(),
                key=f"incident-escalated:{incident.pk}",
            )
        escalated += 1
    return {"escalated": escalated, "summary": f"逾期未知悉的涉稳事项 {escalated} 件已上报司法局"}


# --- lectures ---


@transaction.atomic
def lecture_create(
    *,
    by,
    data: WorkLogInput,
    topic: str,
    audience: str = "",
    attendance: int = 0,
    outline: str = "",
    outline_file=None,
    client_uuid: UUID | None = None,
) -> Lecture:
    """A lecture is a 法治宣传/讲座 service with its topic and outline, filed with the justice office."""
    publicity = ServiceType.objects.get(code=ServiceType.PUBLICITY)
    types = list({*data.service_types, publicity})
    worklog = worklog_create(
        by=by,
        data=WorkLogInput(village=data.village, service_types=types, values=data.values),
        client_uuid=client_uuid,
    )
    if hasattr(worklog, "lecture"):
        return worklog.lecture  # an offline retry of the same lecture
    if outline_file:
        try:
            outline_file = clean_upload(outline_file, kinds=OUTLINE_KINDS)
        except ValidationError as error:
            raise ValidationError({"outline_file": error.messages}) from error
    lecture = Lecture(
        worklog=worklog,
        topic=topic,
        audience=audience,
        attendance=attendance,
        outline=outline,
        outline_file=outline_file,
    )
    lecture.full_clean(exclude=["worklog"])
    lecture.save()
    _submit(worklog, by)
    return lecture


@transaction.atomic
def lecture_update(
    *,
    lecture: Lecture,
    by,
    data: WorkLogInput,
    topic: str,
    audience: str = "",
    attendance: int = 0,
    outline: str = "",
    outline_file=None,
    version: datetime | None = None,
) -> Lecture:
    """A returned lecture corrected and filed again: its log, topic, audience, attendance and outline (a new outline
    file replaces the old one; without one the old one stays)."""
    publicity = ServiceType.objects.get(code=ServiceType.PUBLICITY)
    worklog_update(
        worklog=lecture.worklog,
        by=by,
        data=WorkLogInput(
            village=data.village, service_types=list({*data.service_types, publicity}), values=data.values
        ),
        version=version,
    )
    if outline_file:
        try:
            lecture.outline_file = clean_upload(outline_file, kinds=OUTLINE_KINDS)
        except ValidationError as error:
            raise ValidationError({"outline_file": error.messages}) from error
    lecture.topic, lecture.audience, lecture.attendance, lecture.outline = (
        topic,
        audience,
        attendance,
        outline,
    )
    lecture.full_clean(exclude=["worklog"])
    lecture.save()
    _submit(lecture.worklog, by)
    return lecture


@transaction.atomic
def lecture_receive(*, lecture: Lecture, by) -> Lecture:
    if _acting_role(lecture.worklog, by) is not Reach.TOWNSHIP:
        raise PermissionDenied(_("只有本乡镇司法所可以接收讲座备案。"))
    lock(lecture)
    lock(lecture.worklog)
    if lecture.worklog.status not in WorkLog.COUNTED_STATUSES:
        raise ValidationError(_("讲座日志已退回法律顾问修改，重新提交后才能接收。"))
    if lecture.received_at is None:
        lecture.received_at = timezone.now()
        lecture.received_by = by
        lecture.save(update_fields=["received_at", "received_by"])
    return lecture


# --- the justice office's year-end work summary ---

# 工作总结: a Word or PDF document, or a photo of a printed one.
SUMMARY_KINDS = (uploads.PDF, uploads.DOCX, uploads.IMAGE)


def _check_summary_writer(by, township: Township) -> None:
    if not scope_of(by).is_office_of(township.pk):
        raise PermissionDenied(_("只有本乡镇司法所可以提交工作总结。"))


def _save_summary(summary: WorkSummary, *, text: str, file) -> WorkSummary:
    summary.text = text.strip()
    if file:
        try:
            summary.file = clean_upload(file, kinds=SUMMARY_KINDS)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
    summary.full_clean()
    summary.save()
    return summary


@transaction.atomic
def work_summary_create(*, by, township: Township, year: int, text: str, file=None) -> WorkSummary:
    """The office files its township's summary of a year (seed 001: 年终工作总结), once: later it edits it."""
    _check_summary_writer(by, township)
    lock(township)
    if WorkSummary.objects.filter(township=township, year=year).exists():
        raise ValidationError(_("%(year)s年的工作总结已经提交，请刷新页面后修改。") % {"year": year})
    return _save_summary(WorkSummary(township=township, year=year, filed_by=by), text=text, file=file)


@transaction.atomic
def work_summary_update(*, summary: WorkSummary, by, text: str, file=None) -> WorkSummary:
    """An edit by the office; a new file replaces the old one, no file keeps it."""
    _check_summary_writer(by, summary.township)
    lock(summary)
    return _save_summary(summary, text=text, file=file)
