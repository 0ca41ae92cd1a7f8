"""Who sees which residents' requests and ratings, and whose phone numbers in full. Every view and task goes here.

Scope follows the villages (villages/selectors.py): the bureau its bureau, a justice office its township. An
advisor sees the requests and ratings addressed to them, never those caught as spam; a liaison sees none (a
resident writes to the advisor, not to the village committee). A resident's phone is shown in full to the request's
advisor and to the justice office of its township only (they call the resident back); everyone else reads it masked.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.policy import scope_of
from common.masking import mask_phone

from .models import ResidentRating, ResidentRequest


def resident_requests_visible_to(user) -> QuerySet[ResidentRequest]:
    return scope_of(user).filter(
        ResidentRequest.objects.all(),
        bureau="village__township__bureau_id",
        township="village__township_id",
        advisor=lambda: ResidentRequest.objects.for_the_advisor().filter(advisor__user=user),
    )


def resident_ratings_visible_to(user) -> QuerySet[ResidentRating]:
    return scope_of(user).filter(
        ResidentRating.objects.all(),
        bureau="village__township__bureau_id",
        township="village__township_id",
        advisor="advisor__user",
    )


def may_read(user) -> bool:
    """The lists are for the advisors, the justice offices and the bureau (not liaisons, not strangers)."""
    scope = scope_of(user)
    return scope.is_operator or scope.is_staff or scope.is_advisor


def may_visit_back(user) -> bool:
    """The bureau records return visits (回访)."""
    scope = scope_of(user)
    return scope.is_operator or scope.is_bureau


def get_resident_request_for_user(user, pk: int) -> ResidentRequest:
    return get_object_or_404(
        resident_requests_visible_to(user).select_related("village__township", "advisor", "worklog"), pk=pk
    )


def sees_resident_phone(user, resident_request: ResidentRequest) -> bool:
    """The request's advisor and the justice office of its township read the number in full (they call back)."""
    if resident_request.advisor.user_id == user.pk:
        return True
    return scope_of(user).is_office_of(resident_request.village.township_id)


def resident_phone_for(user, resident_request: ResidentRequest) -> str:
    if sees_resident_phone(user, resident_request):
        return resident_request.phone
    return mask_phone(resident_request.phone)


def may_close(user, resident_request: ResidentRequest) -> bool:
    """The advisor answers; once escalated, the township's justice office may close it too."""
    if not resident_request.is_open:
        return False
    if resident_request.advisor.user_id == user.pk:
        return True
    return resident_request.status == ResidentRequest.Status.ESCALATED and scope_of(user).is_office_of(
        resident_request.village.township_id
    )


def ratings_by_pair(period, advisors: tuple[int, int] | None = None) -> dict[tuple[int, int], list[str]]:
    """The residents' ratings of a review period per (advisor, village): an input of the 群众满意度 indicator
    (registered in assessment/indicators.py by apps.py); `advisors` is a range of advisor ids (a chunk)."""
    rows: dict[tuple[int, int], list[str]] = {}
    ratings = ResidentRating.objects.filter(
        village__township__bureau_id=period.bureau_id,
        created_at__date__gte=period.start_date,
        created_at__date__lte=period.end_date,
    )
    if advisors is not None:
        ratings = ratings.filter(advisor_id__gte=advisors[0], advisor_id__lte=advisors[1])
    for advisor_id, village_id, satisfaction in ratings.values_list(
        "advisor_id", "village_id", "satisfaction"
    ):
        rows.setdefault((advisor_id, village_id), []).append(satisfaction)
    return rows
