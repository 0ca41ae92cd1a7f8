import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villages.models import Township
from villages.selectors import townships_visible_to

from .models import Advisor, Agreement, Firm
from .selectors import firms_visible_to


class AdvisorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    firm = django_filters.ModelChoiceFilter(label=_("所在机构"), queryset=Firm.objects.none())
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=Advisor.Kind.choices)
    is_active = django_filters.BooleanFilter(label=_("在岗"))

    class Meta:
        model = Advisor
        fields = ["q", "firm", "kind", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["firm"].queryset = firms_visible_to(user)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__contains=value) | Q(licence_number__startswith=value) | Q(work_phone__contains=value)
        )


def _year_choices():
    this_year = timezone.localdate().year
    return [(year, f"{year}年") for year in range(this_year + 1, this_year - 5, -1)]


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    year = django_filters.TypedChoiceFilter(
        label=_("年度"), field_name="start_date__year", choices=_year_choices, coerce=int
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Agreement.Status.choices)
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="village__township", queryset=Township.objects.none()
    )
    filed_late = django_filters.BooleanFilter(label=_("逾期备案"))

    class Meta:
        model = Agreement
        fields = ["q", "year", "status", "township", "filed_late"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["township"].queryset = townships_visible_to(user)

    def search(self, queryset, name, value):
        return queryset.filter(Q(advisor__name__contains=value) | Q(village__name__contains=value))
