import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Township, Village
from .selectors import townships_visible_to


class VillageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    township = django_filters.ModelChoiceFilter(label=_("乡镇(街道)"), queryset=Township.objects.none())
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Village.Kind.choices)

    class Meta:
        model = Village
        fields = ["q", "township", "kind"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["township"].queryset = townships_visible_to(user)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value))


class TownshipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), field_name="name", lookup_expr="contains")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Township.Kind.choices)

    class Meta:
        model = Township
        fields = ["q", "kind"]
