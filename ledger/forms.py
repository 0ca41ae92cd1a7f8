"""The advisor's forms: they read and check what was typed; the rules are the services' (ledger.services)."""

from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.once import OneTimeTokenForm
from common.uploads import SafeFileField, validate_upload_size
from common.versions import VersionedForm
from villages.forms import VillageChoiceField
from villages.models import Village
from villages.selectors import villages_visible_to

from .models import Lecture, ServiceMode, ServiceType, WorkLog
from .services import (
    MAX_PHOTOS,
    OUTLINE_KINDS,
    STALE_MESSAGE,
    SUMMARY_KINDS,
    WORKLOG_FIELDS,
    WorkLogInput,
)

# What static/js/worklog-draft.js says, rendered into the page with json_script so it goes through gettext.
DRAFT_MESSAGES = {
    "restored": _("已恢复未提交的草稿（%(time)s 保存在本机）。"),
    "pending": _("上次提交未完成，请检查后再次提交。"),
    "photos": _("照片未能保存在本机，请重新选择。"),
    "discard": _("放弃草稿"),
    "offline": _("网络已断开，草稿已保存在本机，恢复联网后将自动提交。"),
    "retry": _("立即重试"),
    "failed": _("服务器暂时未能保存（错误 %(status)s），内容已保存在本机。请稍后点“立即重试”。"),
    "sending": _("正在提交……"),
    "online": _("已恢复联网，正在自动提交……"),
    "locating": _("正在定位……"),
    "located": _("已打卡，精度约 %(m)s 米"),
    "denied": _("未获允许使用位置。可在浏览器设置中允许，也可不打卡直接提交。"),
    "unavailable": _("暂时无法定位，请到开阔处再试，或不打卡直接提交。"),
}


def _default_times() -> tuple[time, time]:
    """The last hour before now, on the 10-minute mark: a service logged just after it ended."""
    now = timezone.localtime()
    end = now.replace(minute=now.minute // 10 * 10, second=0, microsecond=0)
    start = max(end - timedelta(hours=1), end.replace(hour=0, minute=0))
    if start == end:  # just after midnight
        end = end + timedelta(minutes=10)
    return start.time(), end.time()


def attach_errors(form: forms.Form, error: ValidationError, renamed: dict | None = None) -> None:
    """Put a service's ValidationError on the form: each message at its field (`renamed` maps a model field to
    the form field that fills it), the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (renamed or {}).get(field, field)
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            form.add_error(field if shown else None, errors)
    else:
        form.add_error(None, error)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several photos in one <input type=file multiple>; each is checked to be an image."""

    def __init__(self, *args, max_files: int = MAX_PHOTOS, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("validators", [validate_upload_size])  # each photo; the service re-encodes them
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > self.max_files:
            raise ValidationError(
                _("每条日志最多 %(n)s 张照片，本次最多还能上传 %(left)s 张。")
                % {"n": MAX_PHOTOS, "left": self.max_files}
            )
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class _ServiceForm(OneTimeTokenForm):
    """Where and when a service took place: the fields a work log and a lecture share."""

    required_css_class = "required"
    error_css_class = "has-error"

    village = VillageChoiceField(
        label=_("村(社区)"), queryset=Village.objects.none(), empty_label=_("请选择村(社区)")
    )
    mode = forms.ChoiceField(
        label=_("服务方式"),
        choices=ServiceMode.choices,
        initial=ServiceMode.ONSITE,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    service_date = forms.DateField(
        label=_("服务日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.HiddenInput,
    )
    location_accuracy = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    # client_uuid (OneTimeTokenForm): made on GET and sent back with every retry, the same service twice is saved
    # once; for a log it is also the log's own client_uuid (offline drafts resend it: see worklog_create).

    # The log's updated_at when the form was shown: a save over a change made since is refused (worklog_update).
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, village=None, worklog: WorkLog | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.worklog = worklog
        villages = villages_visible_to(user)
        # A returned log stays editable under its own village, even if that agreement has ended since.
        if worklog is not None:
            villages = villages | Village.objects.filter(pk=worklog.village_id)
        self.fields["village"].queryset = villages.select_related("township").order_by("code")
        if not self.is_bound:
            self._set_defaults(village)
        today = timezone.localdate()
        self.fields["service_date"].widget.attrs["max"] = today.isoformat()

    def _set_defaults(self, village) -> None:
        villages = list(self.fields["village"].queryset)
        if len(villages) == 1:
            self.fields["village"].empty_label = None
            self.initial.setdefault("village", villages[0].pk)
        elif village and any(str(v.pk) == str(village) for v in villages):
            self.initial.setdefault("village", village)
        start, end = _default_times()
        self.initial.setdefault("service_date", timezone.localdate())
        self.initial.setdefault("start_time", start)
        self.initial.setdefault("end_time", end)

    def location_values(self) -> dict:
        data = self.cleaned_data
        return {f: data.get(f) for f in ("latitude", "longitude", "location_accuracy")}

    def clean_version(self) -> datetime | None:
        value = self.cleaned_data["version"]
        if (
            not value and self.worklog is not None
        ):  # an edit must say which version it changes, or it overwrites
            self.add_error(None, STALE_MESSAGE)
            self.show_current_version(self.worklog)
            return None
        try:
            return datetime.fromisoformat(value) if value else None
        except ValueError:
            self.add_error(None, STALE_MESSAGE)  # shown above the form: the field itself is hidden
            return None

    def show_current_version(self, worklog: WorkLog) -> None:
        """After a refused save, the next one is made knowing the log as it is now."""
        self.data = self.data.copy()
        self.data["version"] = worklog.updated_at.isoformat()


class WorkLogForm(_ServiceForm):
    """工作日志 (seed 001 附件2): one service, filled in on the phone right after it."""

    service_types = forms.ModelMultipleChoiceField(
        label=_("服务类型"),
        queryset=ServiceType.objects.all(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices choices-grid"}),
        error_messages={"required": _("请至少选择一种服务类型。")},
    )
    object_kind = forms.ChoiceField(
        label=_("服务对象类型"),
        choices=WorkLog.ObjectKind.choices,
        initial=WorkLog.ObjectKind.PERSON,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    object_name = forms.CharField(
        label=_("服务对象"),
        max_length=100,
        help_text=_("姓名或单位名称"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    object_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    object_situation = forms.CharField(
        label=_("基本情况"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("例如：本村村民，65岁，独居")}),
    )
    people_served = forms.IntegerField(
        label=_("服务人数"),
        min_value=1,
        max_value=100000,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    content = forms.CharField(label=_("服务内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    result = forms.CharField(
        label=_("处理结果"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    mediation_problem = forms.CharField(
        label=_("纠纷问题"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    mediation_measures = forms.CharField(
        label=_("调解措施"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    mediation_result = forms.CharField(
        label=_("调解结果"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    mediation_major = forms.BooleanField(
        label=_("重大疑难纠纷或信访积案"),
        required=False,
        help_text=_("在工作情况统计表中单列统计。"),
    )
    remarks = forms.CharField(label=_("备注"), max_length=500, required=False)
    is_incident = forms.BooleanField(
        label=_("涉稳/重大利益事项，立即报告司法所"),
        required=False,
        help_text=_("可能影响社会稳定或涉及村(居)群众重大利益的事项。提交后司法所会立即收到通知。"),
    )
    photos = MultipleImageField(
        label=_("现场照片"),
        required=False,
        help_text=_("可选，最多 %(n)s 张；上传时自动压缩并去除定位等信息。") % {"n": MAX_PHOTOS},
    )

    def __init__(self, *args, worklog: WorkLog | None = None, **kwargs):
        super().__init__(*args, worklog=worklog, **kwargs)
        if worklog is not None:
            left = MAX_PHOTOS - len(worklog.photos.all())
            self.fields["photos"].max_files = left
            if left <= 0:
                del self.fields["photos"]

    @classmethod
    def initial_for(cls, worklog: WorkLog) -> dict:
        initial = {f: getattr(worklog, f) for f in WORKLOG_FIELDS}
        initial.update(
            village=worklog.village_id,
            service_types=[t.pk for t in worklog.service_types.all()],
            client_uuid=worklog.client_uuid,
            version=worklog.updated_at.isoformat(),
        )
        return initial

    @property
    def mediation_type_pk(self) -> int | None:
        for service_type in self.fields["service_types"].queryset:
            if service_type.code == ServiceType.MEDIATION:
                return service_type.pk
        return None

    def to_input(self) -> WorkLogInput:
        data = self.cleaned_data
        return WorkLogInput(
            village=data["village"],
            service_types=list(data["service_types"]),
            values={f: data[f] for f in WORKLOG_FIELDS if f in data},
        )


class LectureForm(_ServiceForm):
    """法治讲座: filed with its outline; its work log is a 法治宣传/讲座 service, submitted at once."""

    # The log's fields this form fills, for putting the service's messages at the right place.
    LOG_FIELD_NAMES = {"object_name": "audience", "people_served": "attendance", "content": "topic"}

    topic = forms.CharField(label=_("讲座主题"), max_length=200)
    audience = forms.CharField(
        label=_("听众"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：村民、村“两委”成员、调解员")}),
    )
    attendance = forms.IntegerField(
        label=_("参加人数"),
        min_value=1,
        max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    outline = forms.CharField(
        label=_("讲座提纲"),
        max_length=10000,
        required=False,
        help_text=_("填写提纲，或在下方上传提纲文件（二者至少其一）。"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    outline_file = SafeFileField(
        label=_("提纲附件"),
        required=False,
        kinds=OUTLINE_KINDS,
        help_text=_("PDF、Word(.docx) 或图片，不超过 10MB。"),
    )
    extra_types = forms.ModelMultipleChoiceField(
        label=_("同时提供的其他服务"),
        queryset=ServiceType.objects.exclude(code=ServiceType.PUBLICITY),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices choices-grid"}),
    )

    def to_input(self) -> WorkLogInput:
        data = self.cleaned_data
        values = {
            "service_date": data["service_date"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "mode": data["mode"],
            "object_kind": WorkLog.ObjectKind.GROUP,
            "object_name": data["audience"] or _("村(居)群众"),
            "people_served": data["attendance"],
            "content": _("法治讲座：%(topic)s") % {"topic": data["topic"]},
            **self.location_values(),
        }
        return WorkLogInput(village=data["village"], service_types=list(data["extra_types"]), values=values)

    @classmethod
    def initial_for(cls, lecture: Lecture) -> dict:
        """A returned lecture as filed: its log's place and time, its topic, audience, attendance and outline."""
        worklog = lecture.worklog
        return {
            "village": worklog.village_id,
            "mode": worklog.mode,
            "service_date": worklog.service_date,
            "start_time": worklog.start_time,
            "end_time": worklog.end_time,
            "topic": lecture.topic,
            "audience": lecture.audience,
            "attendance": lecture.attendance,
            "outline": lecture.outline,
            "extra_types": [t.pk for t in worklog.service_types.all() if t.code != ServiceType.PUBLICITY],
            "client_uuid": worklog.client_uuid,
            "version": worklog.updated_at.isoformat(),
        }

    def lecture_values(self) -> dict:
        data = self.cleaned_data
        return {
            "topic": data["topic"],
            "audience": data["audience"],
            "attendance": data["attendance"],
            "outline": data["outline"],
            "outline_file": data["outline_file"] or None,
        }


class IncidentForm(OneTimeTokenForm):
    """涉稳/重大利益事项: two fields, sent to the justice office at once."""

    required_css_class = "required"
    error_css_class = "has-error"

    village = VillageChoiceField(
        label=_("村(社区)"), queryset=Village.objects.none(), empty_label=_("请选择村(社区)")
    )
    summary = forms.CharField(
        label=_("事项概要"),
        max_length=2000,
        help_text=_("时间、地点、涉及人数、起因和现状，尽量简明。"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, user, village=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_visible_to(user).order_by("code")
        villages = list(self.fields["village"].queryset)
        if len(villages) == 1:
            self.fields["village"].empty_label = None
            self.initial.setdefault("village", villages[0].pk)
        elif village and any(str(v.pk) == str(village) for v in villages):
            self.initial.setdefault("village", village)


class PhotosForm(OneTimeTokenForm):
    photos = MultipleImageField(label=_("添加照片"))

    def __init__(self, *args, worklog: WorkLog, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].max_files = max(MAX_PHOTOS - len(worklog.photos.all()), 0)


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("确认意见"), required=False, max_length=500)


class ReasonForm(forms.Form):
    # Required by the service (with its own message); the form only keeps it to the column's length.
    reason = forms.CharField(label=_("原因"), required=False, max_length=500)


class IncidentHandlingForm(VersionedForm):
    """The office's record of how it handled an incident; edited again as the handling goes on."""

    required_css_class = "required"
    error_css_class = "has-error"

    handling = forms.CharField(
        label=_("处置情况"),
        max_length=4000,
        help_text=_("采取了哪些措施、结果如何、是否已向司法局报告。"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写处置情况。")},
    )
    handled_at = forms.DateTimeField(
        label=_("处置时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("请填写处置时间。"),
            "invalid": _("请按“年-月-日 时:分”填写处置时间。"),
        },
    )

    def __init__(self, *args, instance, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, instance=instance, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("handling", instance.handling)
            handled_at = instance.handled_at or timezone.now()
            self.initial.setdefault(
                "handled_at", timezone.localtime(handled_at).replace(second=0, microsecond=0)
            )


class _WorkSummaryFields(forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"

    text = forms.CharField(
        label=_("总结内容"),
        max_length=20000,
        required=False,
        help_text=_("全年工作开展情况、成效、存在问题和下一步打算；也可只上传文件。"),
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    file = SafeFileField(
        label=_("总结文件"),
        required=False,
        kinds=SUMMARY_KINDS,
        help_text=_("PDF、Word(.docx) 或图片，不超过 10MB。"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class WorkSummaryCreateForm(_WorkSummaryFields, OneTimeTokenForm):
    """The first filing of a year's summary: safe to send twice."""


class WorkSummaryEditForm(_WorkSummaryFields, VersionedForm):
    """An edit, over the version the office was shown."""

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("text", instance.text)
        self.fields["file"].help_text = _("上传新文件将替换原文件；不上传则保留原文件。")
