"""The advisor's phone pages: record a service in under a minute on a weak connection; read a log's whole story.

Each view: scope (get_worklog_for_user, advisor_of) → form → service → message → redirect.
"""

from pathlib import PurePath
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.files import private_file_response
from common.once import create_once
from ledger import services
from ledger.forms import DRAFT_MESSAGES, IncidentForm, LectureForm, PhotosForm, WorkLogForm, attach_errors
from ledger.models import Incident, Lecture, ServiceType, WorkLog, WorkLogPhoto
from ledger.selectors import get_worklog_for_user, lectures_visible_to, worklogs_visible_to


def _already_saved(user, client_uuid: UUID | None) -> WorkLog | None:
    """The log a retried POST (same client_uuid: a double tap, or a re-send after the network came back) made."""
    if client_uuid is None:
        return None
    return worklogs_visible_to(user).filter(client_uuid=client_uuid).first()


def _saved_meanwhile(request, client_uuid: UUID | None) -> WorkLog | None:
    """After the database refused a second log with the same client_uuid: the same form sent at the same moment
    (a double tap, a retry racing the first send) was saved by the other request, now committed."""
    replayed = _already_saved(request.user, client_uuid)
    if replayed:
        messages.info(request, _("这条日志已经保存过，未重复保存。"))
    return replayed


def _saved_message(request, worklog: WorkLog) -> None:
    if worklog.status == WorkLog.Status.DRAFT:
        messages.success(request, _("草稿已保存。提交后才计入服务次数和时长。"))
    elif worklog.is_incident:
        messages.success(request, _("日志已提交，涉稳/重大利益事项已立即报告司法所。"))
    else:
        messages.success(request, _("日志已提交，等待村(居)确认。"))


@login_required
def worklog_create(request):
    advisor = services.advisor_of(request.user)
    if request.method == "POST":
        form = WorkLogForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            replayed = _already_saved(request.user, form.cleaned_data["client_uuid"])
            if replayed:
                messages.info(request, _("这条日志已经保存过，未重复保存。"))
                return redirect(replayed)
            try:
                with transaction.atomic():  # a refused photo leaves no log behind: the form comes back whole
                    worklog = services.worklog_create(
                        by=request.user,
                        data=form.to_input(),
                        submit="submit" in request.POST,
                        client_uuid=form.cleaned_data["client_uuid"],
                    )
                    if form.cleaned_data["photos"]:
                        services.worklog_add_photos(
                            worklog=worklog, by=request.user, uploads=form.cleaned_data["photos"]
                        )
            except ValidationError as error:
                attach_errors(form, error)
            except IntegrityError:
                if not (replayed := _saved_meanwhile(request, form.cleaned_data["client_uuid"])):
                    raise
                return redirect(replayed)
            else:
                _saved_message(request, worklog)
                return redirect(worklog)
    else:
        form = WorkLogForm(user=request.user, village=request.GET.get("village"))
    return render(
        request,
        "ledger/worklog_form.html",
        {"form": form, "worklog": None, "advisor": advisor, "draft_messages": DRAFT_MESSAGES},
    )


@login_required
def worklog_edit(request, pk: int):
    worklog = get_worklog_for_user(request.user, pk)
    if not services.worklog_may_edit(worklog, request.user):
        if worklog.advisor.user_id == request.user.pk:
            # Its author, on a stale edit link or the address bar of a log just (re)submitted: its page.
            messages.info(request, _("这条日志已提交，不能再修改；需要更正时，等村(居)或司法所退回后再改。"))
            return redirect(worklog)
        raise PermissionDenied(_("只有填写人可以修改草稿或被退回的日志。"))
    lecture = Lecture.objects.filter(worklog=worklog).first()
    if lecture is not None:
        return _lecture_edit(request, lecture)
    if request.method == "POST":
        form = WorkLogForm(request.POST, request.FILES, user=request.user, worklog=worklog)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.worklog_update(
                        worklog=worklog,
                        by=request.user,
                        data=form.to_input(),
                        submit="submit" in request.POST,
                        version=form.cleaned_data["version"],
                    )
                    if form.cleaned_data.get("photos"):
                        services.worklog_add_photos(
                            worklog=worklog, by=request.user, uploads=form.cleaned_data["photos"]
                        )
            except ValidationError as error:
                attach_errors(form, error)
                worklog = get_worklog_for_user(request.user, pk)  # as stored, not as half-applied
                form.show_current_version(worklog)
            else:
                _saved_message(request, worklog)
                return redirect(worklog)
    else:
        form = WorkLogForm(initial=WorkLogForm.initial_for(worklog), user=request.user, worklog=worklog)
    return render(
        request,
        "ledger/worklog_form.html",
        {"form": form, "worklog": worklog, "draft_messages": DRAFT_MESSAGES},
    )


@login_required
@require_POST
def worklog_submit(request, pk: int):
    worklog = get_worklog_for_user(request.user, pk)
    try:
        services.worklog_submit(worklog=worklog, by=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        _saved_message(request, worklog)
    return redirect(worklog)


@login_required
@require_POST
def worklog_add_photos(request, pk: int):
    worklog = get_worklog_for_user(request.user, pk)
    if not services.worklog_may_add_photos(worklog, request.user):
        raise PermissionDenied(_("只有填写人可以在日志确认前添加照片。"))
    form = PhotosForm(request.POST, request.FILES, worklog=worklog)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["photos"])
        photos, created = create_once(
            user=request.user,
            token=form.token,
            create=lambda: services.worklog_add_photos(
                worklog=worklog, by=request.user, uploads=form.cleaned_data["photos"]
            ),
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        if created:
            messages.success(request, _("已添加 %(n)s 张照片。") % {"n": len(photos)})
        else:
            messages.info(request, _("这些照片已经添加过，未重复保存。"))
    return redirect(worklog)


@login_required
def worklog_detail(request, pk: int):
    return worklog_page(request, get_worklog_for_user(request.user, pk))


def worklog_page(request, worklog: WorkLog, *, refused: dict | None = None):
    """The log's page; `refused` (action, log, text): a review form sent back as typed, with its message."""
    service_types = list(worklog.service_types.all())
    may_add_photos = services.worklog_may_add_photos(worklog, request.user)
    context = {
        "worklog": worklog,
        "service_types": service_types,
        "is_mediation": any(t.code == ServiceType.MEDIATION for t in service_types),
        "photos": list(worklog.photos.all()),
        "lecture": Lecture.objects.filter(worklog=worklog).first(),
        "incident": Incident.objects.filter(worklog=worklog).first(),
        "trail": _trail(worklog, request.user),
        "may_edit": services.worklog_may_edit(worklog, request.user),
        "photos_form": PhotosForm(worklog=worklog) if may_add_photos else None,
        "refused": refused,
    }
    return render(request, "ledger/worklog_detail.html", context)


@login_required
def worklog_photo(request, name: str):
    """A log's photo (private storage), served only to those who may see its log."""
    photo = get_object_or_404(
        WorkLogPhoto.objects.filter(worklog__in=worklogs_visible_to(request.user)), image=f"worklogs/{name}"
    )
    response = private_file_response(photo.image)
    response["Cache-Control"] = "private, max-age=604800"  # never changes once stored; spare weak connections
    return response


@login_required
def lecture_outline(request, name: str):
    """A lecture's outline file (private storage), served only to those who may see the lecture; always a download
    under a name of ours (an advisor's PDF may carry scripts, its name may be personal)."""
    lecture = get_object_or_404(lectures_visible_to(request.user), outline_file=f"lectures/{name}")
    suffix = PurePath(lecture.outline_file.name).suffix.lower()
    return private_file_response(lecture.outline_file, download_name=f"{_('讲座提纲')}-{lecture.pk}{suffix}")


@login_required
def lecture_create(request):
    advisor = services.advisor_of(request.user)
    if request.method == "POST":
        form = LectureForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            replayed = _already_saved(request.user, form.cleaned_data["client_uuid"])
            if replayed:
                messages.info(request, _("这次讲座已经备案过，未重复保存。"))
                return redirect(replayed)
            try:
                lecture = services.lecture_create(
                    by=request.user,
                    data=form.to_input(),
                    client_uuid=form.cleaned_data["client_uuid"],
                    **form.lecture_values(),
                )
            except ValidationError as error:
                attach_errors(form, error, renamed=LectureForm.LOG_FIELD_NAMES)
            except IntegrityError:
                if not (replayed := _saved_meanwhile(request, form.cleaned_data["client_uuid"])):
                    raise
                return redirect(replayed)
            else:
                messages.success(request, _("讲座已提交备案，司法所可以查看提纲。"))
                return redirect(lecture.worklog)
    else:
        form = LectureForm(user=request.user, village=request.GET.get("village"))
    return render(
        request,
        "ledger/lecture_form.html",
        {"form": form, "advisor": advisor, "draft_messages": DRAFT_MESSAGES},
    )


def _lecture_edit(request, lecture: Lecture):
    """A returned lecture is corrected in the lecture's own form, and filed again."""
    worklog = lecture.worklog
    if request.method == "POST":
        form = LectureForm(request.POST, request.FILES, user=request.user, worklog=worklog)
        if form.is_valid():
            try:
                services.lecture_update(
                    lecture=lecture,
                    by=request.user,
                    data=form.to_input(),
                    version=form.cleaned_data["version"],
                    **form.lecture_values(),
                )
            except ValidationError as error:
                attach_errors(form, error, renamed=LectureForm.LOG_FIELD_NAMES)
                form.show_current_version(get_worklog_for_user(request.user, worklog.pk))
            else:
                messages.success(request, _("讲座已重新提交备案。"))
                return redirect(worklog)
    else:
        form = LectureForm(initial=LectureForm.initial_for(lecture), user=request.user, worklog=worklog)
    return render(
        request,
        "ledger/lecture_form.html",
        {"form": form, "advisor": worklog.advisor, "lecture": lecture, "draft_messages": DRAFT_MESSAGES},
    )


@login_required
def incident_create(request):
    services.advisor_of(request.user)
    if request.method == "POST":
        form = IncidentForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                _incident, created = create_once(
                    user=request.user,
                    token=form.token,
                    create=lambda: services.incident_report(
                        by=request.user,
                        village=form.cleaned_data["village"],
                        summary=form.cleaned_data["summary"],
                    ),
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                if created:
                    messages.success(request, _("已立即报告司法所。请保持电话畅通，并及时补记工作日志。"))
                else:
                    messages.info(request, _("这个事项已经报告过，未重复报告。"))
                return redirect("home")
    else:
        form = IncidentForm(user=request.user, village=request.GET.get("village"))
    return render(request, "ledger/incident_form.html", {"form": form})


# --- the trail: each edit's changed fields, in words ---


def _trail(worklog: WorkLog, user) -> list[dict]:
    return [
        {
            "event": event,
            "changes": [
                (_field_label(field), old or _("（空）"), new or _("（空）"))
                for field, (old, new) in event.changes_shown_to(user).items()
            ],
        }
        for event in worklog.events.select_related("by__profile")
    ]


def _field_label(field: str) -> str:
    if field == "service_types":
        return _("服务类型")
    try:
        return str(WorkLog._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field since removed from the model
        return field
