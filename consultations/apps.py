from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("群众留言与评价")

    def ready(self) -> None:
        # The daily jobs run with the deadline jobs (every day, once it has ended), and the residents' ratings are
        # an input of the review's 群众满意度 indicator; both registered here so that neither app imports this one.
        from assessment import indicators
        from deadlines import dispatch
        from deadlines.services import is_every_day

        from .selectors import ratings_by_pair
        from .services import resident_requests_erase, resident_requests_escalate

        dispatch.register(
            dispatch.Job(
                "escalate_resident_requests",
                "群众留言逾期转司法所",
                resident_requests_escalate,
                is_every_day,
                True,
            )
        )
        dispatch.register(
            dispatch.Job(
                "erase_resident_data",
                "删除保存期满的群众留言个人信息",
                resident_requests_erase,
                is_every_day,
                True,
            )
        )
        if ratings_by_pair not in indicators.RESIDENT_RATING_SOURCES:
            indicators.RESIDENT_RATING_SOURCES.append(ratings_by_pair)
