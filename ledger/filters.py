"""Filters of the work-log, lecture and incident lists; every choice is limited to what the person may see."""

import re
from datetime import date

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import scope_of
from advisors.models import Advisor
from advisors.selectors import advisors_visible_to, agreements_visible_to
from programme.calendar import month_of, quarter_of
from villages.forms import VillageChoiceFilter
from villages.models import Village
from villages.selectors import villages_visible_to

from .models import Incident, Lecture, ServiceType, WorkLog

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
ALL = _("全部")
month_validator = RegexValidator(MONTH_RE, _("月份格式应为 YYYY-MM，例如 2026-06。"))


def parse_month(value: str | None) -> date | None:
    """The first day of a `YYYY-MM` month, or None when the value is not one."""
    match = MONTH_RE.match((value or "").strip())
    return date(int(match[1]), int(match[2]), 1) if match else None


def month_input(**attrs) -> forms.TextInput:
    # A month picker where the browser has one; elsewhere a text box with the expected format.
    return forms.TextInput(
        attrs={"type": "month", "placeholder": "2026-06", "pattern": r"\d{4}-\d{2}", **attrs}
    )


def _villages_of(user):
    """The villages whose logs a person may look for: an advisor's past villages too, others their scope."""
    if scope_of(user).is_advisor:
        return Village.objects.filter(pk__in=agreements_visible_to(user).values("village_id")).select_related(
            "township"
        )
    return villages_visible_to(user).select_related("township")


class WorkLogFilter(django_filters.FilterSet):
    village = VillageChoiceFilter(label=_("村(社区)"), queryset=Village.objects.none(), empty_label=ALL)
    advisor = django_filters.ModelChoiceFilter(
        label=_("法律顾问"), queryset=Advisor.objects.none(), empty_label=ALL
    )
    month = django_filters.CharFilter(
        label=_("月份"), method="in_month", validators=[month_validator], widget=month_input()
    )
    date_from = django_filters.DateFilter(
        label=_("服务日期自"),
        field_name="service_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        label=_("服务日期至"),
        field_name="service_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=WorkLog.Status.choices, empty_label=ALL)
    service_type = django_filters.ModelChoiceFilter(
        label=_("服务类型"), field_name="service_types", queryset=ServiceType.objects.all(), empty_label=ALL
    )
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("服务对象或内容")}),
    )

    class Meta:
        model = WorkLog
        fields = ["village", "advisor", "month", "date_from", "date_to", "status", "service_type", "q"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        if scope.is_advisor or scope.is_liaison:
            del self.filters["advisor"]  # an advisor sees their own logs; a village has one advisor at a time
        else:
            self.filters["advisor"].queryset = advisors_visible_to(user)
        if scope.is_liaison:
            del self.filters["village"]
        else:
            self.filters["village"].queryset = _villages_of(user)
        if not scope.is_advisor:
            # A draft is the advisor's own until submitted.
            self.filters["status"].extra["choices"] = [
                (value, label) for value, label in WorkLog.Status.choices if value != WorkLog.Status.DRAFT
            ]

    def in_month(self, queryset, name, value):
        first = parse_month(value)
        if first is None:
            return queryset
        month = month_of(first)
        return queryset.filter(service_date__gte=month.start, service_date__lte=month.end)

    def search(self, queryset, name, value):
        return queryset.filter(Q(object_name__contains=value) | Q(content__contains=value))


def quarter_choices() -> list[tuple[str, str]]:
    """This quarter and the seven before it, as `2026-2` → 2026年第2季度."""
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _i in range(8):
        choices.append(
            (f"{year}-{quarter}", _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter})
        )
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return choices


def current_quarter() -> str:
    return quarter_choices()[0][0]


class LectureFilter(django_filters.FilterSet):
    quarter = django_filters.ChoiceFilter(
        label=_("季度"), choices=quarter_choices, method="in_quarter", empty_label=_("全部季度")
    )
    village = VillageChoiceFilter(
        label=_("村(社区)"), field_name="worklog__village", queryset=Village.objects.none(), empty_label=ALL
    )
    received = django_filters.ChoiceFilter(
        label=_("接收情况"),
        choices=[("no", _("待接收")), ("yes", _("已接收"))],
        method="by_received",
        empty_label=ALL,
    )

    class Meta:
        model = Lecture
        fields = ["quarter", "village", "received"]

    def __init__(self, data=None, *args, user, **kwargs):
        # Without a quarter in the query the list opens on this quarter; an empty one means all quarters.
        if data is not None and "quarter" not in data:
            data = data.copy()
            data["quarter"] = current_quarter()
        super().__init__(data, *args, **kwargs)
        self.filters["village"].queryset = _villages_of(user)

    def in_quarter(self, queryset, name, value):
        year, quarter = (int(part) for part in value.split("-"))
        period = quarter_of(date(year, quarter * 3 - 2, 1))
        return queryset.filter(worklog__service_date__gte=period.start, worklog__service_date__lte=period.end)

    def by_received(self, queryset, name, value):
        return queryset.filter(received_at__isnull=value == "no")


class IncidentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("open", _("待知悉")), ("acknowledged", _("已知悉"))],
        method="by_state",
        empty_label=ALL,
    )
    village = VillageChoiceFilter(label=_("村(社区)"), queryset=Village.objects.none(), empty_label=ALL)

    class Meta:
        model = Incident
        fields = ["state", "village"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["village"].queryset = _villages_of(user)

    def by_state(self, queryset, name, value):
        return queryset.filter(acknowledged_at__isnull=value == "open")
