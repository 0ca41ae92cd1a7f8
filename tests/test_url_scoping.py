"""Every page of the project answers each role as the table below says: 200 inside the user's scope, 404 outside.

The table is the guard for future pages: `test_it_has_an_entry_for_every_url_pattern` walks the URL resolver and
fails for any pattern (outside the admin site and Django's own login/logout/password pages) that has no entry here.
When you add a URL, add an entry: how to build its kwargs from the map of tests/conftest.py (`whole_map`), which
personas get 200 (`ok`), which get 403 (`forbidden`: they may see the object but may not do this), and everyone
else must get 404; anonymous visitors get the login page.

A POST-only endpoint (`method="post"`, with the form `data` to send) answers `ok` with a redirect (302) instead of
200. Its kwargs and data are built again for each persona (the builders below make a fresh object at each call),
so each persona acts on the same state: a log the liaison has just confirmed is no longer there to confirm.
"""

import inspect
import io
import re
from collections.abc import Callable, Set
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import unquote

import django_filters
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from assessment.forms import OfficeRatingForm, SelfAssessForm, VillageRatingForm
from assessment.models import Review
from assessment.services.computation import review_period_compute
from common.versions import record_version
from imports.models import ImportBatch
from ledger.forms import IncidentHandlingForm
from ledger.models import Incident, Lecture, LedgerExport, WorkLog, WorkLogPhoto, WorkSummary
from notifications.models import Notification
from tests.factories import (
    AdvisorFactory,
    AgreementFactory,
    ResidentRequestFactory,
    VillageFactory,
    WorkLogFactory,
    open_review_period,
)

pytestmark = pytest.mark.django_db

# The personas every entry is checked with (fixtures of tests/conftest.py).
ROLES = (
    "bureau_admin_user",
    "bureau_staff_user",
    "office_user",  # of `township`
    "other_office_user",  # of `other_township`
    "advisor_user",  # serves `village` and `second_village` now, served `vacant_village` last year
    "other_advisor_user",  # serves `other_township_village`
    "liaison_user",  # of `village`
    "other_bureau_admin_user",
    "city_user",  # 市司法局 over `bureau` (and a third county), read only
    "other_city_user",  # 市司法局 over `other_bureau`
    "province_user",  # 省司法厅 over both cities
    "stranger",  # logged in, no role
    "superuser",  # sees everything: added to every entry's `ok`, unless the entry says `forbidden` (no role)
)
EVERYONE = frozenset(ROLES)
BUREAU = frozenset({"bureau_admin_user", "bureau_staff_user"})
OTHER_BUREAU = frozenset({"other_bureau_admin_user"})
ADVISORS = frozenset({"advisor_user", "other_advisor_user"})
# City and province staff (issue 18) read what the staff of the bureaus below them read, and act on nothing: a page
# of a record in their subtree answers 200, an action on it 403 (they see it but may not), anything else 404. The
# cities' subtrees: `city_user` over `bureau`, `other_city_user` over `other_bureau`, `province_user` over both.
OVERSIGHT_OVER = {
    "city_user": ("bureau_staff_user",),
    "other_city_user": ("other_bureau_admin_user",),
    "province_user": ("bureau_staff_user", "other_bureau_admin_user"),
}
# Read pages of their subtree that stay the bureau's or the office's own: the money (payout), the residents' personal
# requests and ratings, the ledgers' working pages (the oversight pages show their state), the printed posters.
OVERSIGHT_REFUSED_READS = {
    "assessment:payout_sheet",
    "assessment:year_report",
    "consultations:request_list",
    "consultations:rating_list",
    "ledger:ledger_overview",
    "ledger:ledger_township",
    "ledger:ledger_township_forward",
    "ledger:ledger_month",
    "ledger:worklog_edit",
    "publicity:township_posters",
}
# Pages of the bureau's own work lists (searches, forms, the staff's queues) that are not for those above it.
OVERSIGHT_UNSEEN = {
    "otp_setup",  # a second factor is for those who change records
    "ledger:export_list",  # the bureau's export jobs (its downloads are open to them)
    "imports:index",
    "imports:template",
    "imports:roster",
    "imports:detail",
}
# Forms that create a record: they see the page refused (403), like the bureau's other actions.
OVERSIGHT_REFUSED_READS |= {
    "ledger:worklog_create",
    "ledger:lecture_create",
    "ledger:incident_create",
    "assessment:return_visit_create",
    "assessment:inspection_create",
}

# City and province staff (市司法局, 省司法厅): the oversight pages over the bureaus below them.
OVERSEERS = frozenset({"city_user", "other_city_user", "province_user"})
# Bureau roles and justice-office staff, of either bureau.
STAFF = BUREAU | OTHER_BUREAU | {"office_user", "other_office_user"}

# Who sees a submitted log (and its lecture, photos, incident) on each agreement of the map; the superuser too.
LOG_READERS = {
    "agreement": BUREAU | {"office_user", "advisor_user", "liaison_user"},  # on `village`
    "second_agreement": BUREAU | {"office_user", "advisor_user"},
    "past_agreement": BUREAU | {"office_user", "advisor_user"},  # on `vacant_village`, last year
    "other_agreement": BUREAU | {"other_office_user", "other_advisor_user"},
    "other_bureau_agreement": OTHER_BUREAU,
}

# Django's own account pages (django.contrib.auth.urls): public or for any logged-in user; tested in
# tests/accounts/test_login.py.
AUTH_URL_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def no_kwargs(w: SimpleNamespace) -> dict:
    return {}


def nothing(w: SimpleNamespace) -> dict:
    return {}


@dataclass(frozen=True)
class Case:
    about: str
    kwargs: Callable[[SimpleNamespace], dict]
    ok: Set[str]  # the personas answered 200 (a redirect for a POST)
    forbidden: Set[str] = frozenset()  # the personas answered 403; every other persona gets 404
    method: str = "get"  # "post" for a POST-only endpoint
    data: Callable[[SimpleNamespace], dict] = nothing  # the form sent with a POST
    query: Callable[[SimpleNamespace], dict] = nothing  # the query string of a GET
    personal: bool = False  # one person's own (a notification): the superuser gets 404 like everyone else
    # A public page (publicity/): the same answer for every persona and for anonymous visitors, `ok` being
    # EVERYONE (200, or 302 with `redirects`) or empty (404 for everyone, the superuser too).
    public: bool = False
    redirects: bool = False  # a public GET that answers with a redirect
    sent_on: Set[str] = frozenset()  # the personas redirected (302) to the object's own page

    def expected(self, role: str | None, key: str = "") -> int:
        """The status for `role`; None is an anonymous visitor (of a public page)."""
        if self.public:
            if not self.ok:
                return 404
            return 302 if self.redirects else 200
        if role in OVERSIGHT_OVER:
            return self.expected_above(role, key)
        if role in self.forbidden:
            return 403
        if role in self.sent_on:
            return 302
        if role in self.ok or (role == "superuser" and not self.personal):
            return 302 if self.method == "post" else 200
        return 404

    def expected_above(self, role: str, key: str) -> int:
        """City or province staff: what the bureau staff below them see, read only (OVERSIGHT_OVER), unless the
        entry names them (the oversight pages)."""
        if role in self.forbidden:
            return 403
        if role in self.ok:
            return 302 if self.method == "post" else 200
        if self.personal or key in OVERSIGHT_UNSEEN:
            return 404
        if self.ok >= EVERYONE:  # the same answer for every role
            return 302 if self.method == "post" else 200
        if not any(staff in self.ok | self.forbidden for staff in OVERSIGHT_OVER[role]):
            return 404
        if self.method == "post" or key in OVERSIGHT_REFUSED_READS:
            return 403
        return 200


def pk_of(name: str) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {"pk": getattr(w, name).pk}


def name_under(base: str, file) -> str:
    """The `name` kwarg of a private file's URL: its storage URL without `base` (e.g. "/private/agreements/")."""
    url = file.url
    assert url.startswith(base), url
    return unquote(url.removeprefix(base))


def scan_of(name: str) -> Callable[[SimpleNamespace], dict]:
    """The `name` kwarg of the scan URL of the agreement `name`, after giving it a scanned contract."""

    def kwargs(w: SimpleNamespace) -> dict:
        agreement = getattr(w, name)
        if not agreement.contract_scan:
            agreement.contract_scan.save("scan.pdf", SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan"))
        return {"name": name_under("/private/agreements/", agreement.contract_scan)}

    return kwargs


def new_resident_request(agreement: str, status: str = "open") -> Callable[[SimpleNamespace], dict]:
    """A fresh resident's request to the advisor of an agreement of the map, as the `pk` kwarg."""

    def kwargs(w: SimpleNamespace) -> dict:
        return {"pk": ResidentRequestFactory(agreement=getattr(w, agreement), status=status).pk}

    return kwargs


def new_reference(w: SimpleNamespace) -> dict:
    return {"reference": ResidentRequestFactory(agreement=w.agreement).reference}


CLOSE_DATA = {"answered_mode": "phone", "answer": "已电话答复。"}
# Who reads residents' requests and ratings: staff of either bureau and advisors see their lists; liaisons and
# strangers may not.
RESIDENT_LISTS = STAFF | ADVISORS


# --- builders of the ledger's objects: each call makes a fresh one on an agreement of the map ---


def new_log(w: SimpleNamespace, agreement: str, status: str = WorkLog.Status.SUBMITTED) -> WorkLog:
    """A log by the agreement's advisor on its village (dated the agreement's start), in `status`."""
    extra = {"return_reason": "请补充服务对象情况"} if status == WorkLog.Status.RETURNED else {}
    return WorkLogFactory(agreement=getattr(w, agreement), status=status, **extra)


def with_liaison_phone(village):
    village.liaison_phone = "13700001111"
    village.save(update_fields=["liaison_phone"])
    return village


def a_log(agreement: str, status: str = WorkLog.Status.SUBMITTED) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {"pk": new_log(w, agreement, status).pk}


def tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 160, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def a_photo(agreement: str, status: str = WorkLog.Status.SUBMITTED) -> Callable[[SimpleNamespace], dict]:
    """The `name` kwarg of the URL of a photo of a new log."""

    def kwargs(w: SimpleNamespace) -> dict:
        photo = WorkLogPhoto(worklog=new_log(w, agreement, status))
        photo.image.save("photo.jpg", ContentFile(tiny_jpeg()))
        return {"name": name_under("/private/worklogs/", photo.image)}

    return kwargs


def new_lecture(w: SimpleNamespace, agreement: str) -> Lecture:
    return Lecture.objects.create(worklog=new_log(w, agreement), topic="民法典进农村", outline="一、婚姻家庭")


def a_lecture(agreement: str) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {"pk": new_lecture(w, agreement).pk}


def an_outline(agreement: str) -> Callable[[SimpleNamespace], dict]:
    """The `name` kwarg of the URL of the outline file of a new lecture."""

    def kwargs(w: SimpleNamespace) -> dict:
        lecture = new_lecture(w, agreement)
        lecture.outline_file.save("outline.pdf", ContentFile(b"%PDF-1.4 outline"))
        return {"name": name_under("/private/lectures/", lecture.outline_file)}

    return kwargs


def an_incident(agreement: str) -> Callable[[SimpleNamespace], dict]:
    """A new incident reported by the agreement's advisor on its village (not acknowledged yet)."""

    def kwargs(w: SimpleNamespace) -> dict:
        on = getattr(w, agreement)
        return {
            "pk": Incident.objects.create(village=on.village, advisor=on.advisor, summary="土地征收纠纷").pk
        }

    return kwargs


def handling_data(w: SimpleNamespace) -> dict:
    """The office's handling of a new incident (time frozen: handled the minute it was reported)."""
    return {
        "handling": "已到场处置",
        "handled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "version": record_version(Incident(), IncidentHandlingForm.base_fields),
    }


def a_summary_page(township: str) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {"township": getattr(w, township).pk, "year": 2026}


def a_summary_file(township: str) -> Callable[[SimpleNamespace], dict]:
    """The `name` kwarg of the URL of the file of a new work summary of the township (a year of its own)."""

    def kwargs(w: SimpleNamespace) -> dict:
        place = getattr(w, township)
        year = 2000 + WorkSummary.objects.filter(township=place).count()
        summary = WorkSummary.objects.create(township=place, year=year, filed_by=w.superuser)
        summary.file.save("summary.pdf", ContentFile(b"%PDF-1.4 summary"))
        return {"name": name_under("/private/work-summaries/", summary.file)}

    return kwargs


def a_notification_for(persona: str) -> Callable[[SimpleNamespace], dict]:
    def kwargs(w: SimpleNamespace) -> dict:
        recipient = getattr(w, persona)
        return {
            "pk": Notification.objects.create(recipient=recipient, title="工作日志被退回", url="/logs/").pk
        }

    return kwargs


def an_advisor_without_agreement(w: SimpleNamespace) -> dict:
    return {"pk": AdvisorFactory(bureau=w.bureau).pk}


def township_of(name: str) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {"township": getattr(w, name).pk}


def a_reason(w: SimpleNamespace) -> dict:
    return {"reason": "服务对象不是本村村民"}


def some_photos(w: SimpleNamespace) -> dict:
    return {"photos": [SimpleUploadedFile("a.jpg", tiny_jpeg(), content_type="image/jpeg")]}


def a_confirmed_log_of_the_village_selected(w: SimpleNamespace) -> dict:
    return {"ids": [new_log(w, "agreement", WorkLog.Status.CONFIRMED).pk]}


def this_month(w: SimpleNamespace) -> dict:
    return {"month": "2026-06"}


def cases_for_the_agreement_family(kwargs_of: Callable[[str], Callable]) -> list[Case]:
    """Agreement pages and files: the same scope as agreements_visible_to."""
    return [
        Case(
            "a current agreement on the liaison's village",
            kwargs_of("agreement"),
            BUREAU | {"office_user", "advisor_user", "liaison_user"},
        ),
        Case(
            "the same advisor's agreement on another village of the township",
            kwargs_of("second_agreement"),
            BUREAU | {"office_user", "advisor_user"},
        ),
        Case(
            "the advisor's own ended agreement of last year",
            kwargs_of("past_agreement"),
            BUREAU | {"office_user", "advisor_user"},
        ),
        Case(
            "another advisor's agreement in another township",
            kwargs_of("other_agreement"),
            BUREAU | {"other_office_user", "other_advisor_user"},
        ),
        Case("another bureau's agreement", kwargs_of("other_bureau_agreement"), OTHER_BUREAU),
    ]


# --- builders of the reviews (assessment/): the bureau's half-year period of this year, opened through the service ---


def new_review(w: SimpleNamespace, advisor: str, state: str = "open") -> Review:
    """`advisor`'s review in the half-year period of their bureau, made afresh (indicators computed) in `state`:
    "open", "objected" (an objection waiting for the office's answer) or "final" (locked at the proposed tier)."""
    who = getattr(w, advisor)
    # A bureau whose half-year tier pays, so the payout sheet has lines to deduct from.
    type(who.bureau).objects.filter(pk=who.bureau_id).update(half_year_review_pays=True)
    period = open_review_period(who.bureau)
    Review.objects.filter(period=period, advisor=who).delete()
    review_period_compute(period=period)
    review = Review.objects.get(period=period, advisor=who)
    now = timezone.now()
    if state == "objected":
        Review.objects.filter(pk=review.pk).update(
            advisor_response=Review.AdvisorResponse.OBJECTED, objection="讲座次数少算一次", responded_at=now
        )
    elif state == "final":
        Review.objects.filter(pk=review.pk).update(
            status=Review.Status.FINAL, final_tier=review.proposed_tier, finalized_at=now
        )
    return review


def a_review(advisor: str, state: str = "open") -> Callable[[SimpleNamespace], dict]:
    return lambda w: {"pk": new_review(w, advisor, state).pk}


def a_review_village(advisor: str, village: str) -> Callable[[SimpleNamespace], dict]:
    """The row of `village` in a fresh review of `advisor`."""
    return lambda w: {"pk": new_review(w, advisor).villages.get(village=getattr(w, village)).pk}


def a_period(bureau: str) -> Callable[[SimpleNamespace], dict]:
    return lambda w: {"pk": open_review_period(getattr(w, bureau), half_year_pays=True).pk}


def a_review_village_across_townships(w: SimpleNamespace) -> dict:
    """`other_advisor` serves a new village of `township` too: the row of `other_township_village` in their review,
    a review the office of `township` reads (one of its villages is in it)."""
    AgreementFactory(advisor=w.other_advisor, village=VillageFactory(township=w.township))
    return {"pk": new_review(w, "other_advisor").villages.get(village=w.other_township_village).pk}


def review_form(**fields) -> Callable[[SimpleNamespace], dict]:
    return lambda w: fields


def versioned_form(form_class, row_of: Callable[[SimpleNamespace], object], **fields) -> Callable:
    """The form with the version of the row just made for the case (common/versions.py)."""
    return lambda w: {**fields, "version": record_version(row_of(w), form_class.base_fields)}


def latest_review(w: SimpleNamespace) -> Review:
    return Review.objects.filter(advisor=w.advisor).latest("pk")


def latest_review_village(village: str) -> Callable[[SimpleNamespace], object]:
    from assessment.models import ReviewVillage

    return lambda w: ReviewVillage.objects.filter(village=getattr(w, village)).latest("pk")


# Who reads `advisor`'s review (village, second_village of `township`), and `other_advisor`'s.
REVIEW_READERS = BUREAU | {"office_user", "advisor_user"}
OTHER_REVIEW_READERS = BUREAU | {"other_office_user", "other_advisor_user"}
# Everyone of the bureau sees its period (the liaison: the rows of their village in it).
PERIOD_READERS = BUREAU | {
    "office_user",
    "other_office_user",
    "advisor_user",
    "other_advisor_user",
    "liaison_user",
}


def review_action(about: str, actors: Set[str], data: Callable = nothing, state: str = "open") -> list[Case]:
    """A POST on `advisor`'s review: `actors` may; the other readers (and the superuser, who is nobody's advisor,
    office or bureau) may not."""
    return [
        Case(
            about,
            a_review("advisor", state),
            actors,
            forbidden=(REVIEW_READERS - actors) | {"superuser"},
            method="post",
            data=data,
        )
    ]


def advisors_only(about: str) -> list[Case]:
    """A form of the advisor's: anyone else (the superuser too: it is nobody's advisor) may not fill it in."""
    return [Case(about, no_kwargs, ADVISORS, forbidden=EVERYONE - ADVISORS)]


# --- builders of the return visits and inspections (assessment/views/visits.py), on `village` ---


def a_return_visit(w: SimpleNamespace) -> dict:
    from tests.factories import ReturnVisitFactory

    return {"pk": ReturnVisitFactory(agreement=w.agreement, recorded_by=w.bureau_staff_user).pk}


def an_inspection_with_a_finding(w: SimpleNamespace) -> dict:
    from tests.factories import InspectionFactory

    inspection = InspectionFactory(village=w.village, recorded_by=w.bureau_staff_user, findings="台账不全")
    return {"pk": inspection.pk}


def a_resolution(w: SimpleNamespace) -> dict:
    return {"resolution": "已补齐台账", "resolved_on": "2026-06-12"}


def an_export(bureau: str, requester: str) -> Callable[[SimpleNamespace], dict]:
    """A finished whole-bureau ledger export of `bureau`, with its file."""

    def kwargs(w: SimpleNamespace) -> dict:
        export = LedgerExport.objects.create(
            bureau=getattr(w, bureau), year=2026, requested_by=getattr(w, requester), status="done"
        )
        export.file.save("export.xlsx", ContentFile(b"PK\x03\x04 workbook"))
        return {"pk": export.pk}

    return kwargs


def an_import(bureau: str, status: str) -> Callable[[SimpleNamespace], dict]:
    """A roster import of `bureau` by its admin, in `status`."""

    def kwargs(w: SimpleNamespace) -> dict:
        admin = w.bureau_admin_user if bureau == "bureau" else w.other_bureau_admin_user
        batch = ImportBatch(
            bureau=getattr(w, bureau),
            kind="roster",
            filename="名册.xlsx",
            sha256="0" * 64,
            created_by=admin,
            status=status,
        )
        batch.file.save("import.xlsx", ContentFile(b"PK\x03\x04 workbook"))
        return {"pk": batch.pk}

    return kwargs


IMPORTERS = frozenset({"bureau_admin_user", "other_bureau_admin_user"})


def a_deduction_of_the_advisor(w: SimpleNamespace) -> dict:
    review = Review.objects.get(period=open_review_period(w.bureau, half_year_pays=True), advisor=w.advisor)
    return {"line": f"{review.pk}-{w.agreement.pk}", "amount": "100.00", "reason": "5月台账逾期报送"}


URLS: dict[str, list[Case]] = {
    "home": [Case("each role's home page (a user without a role sees 尚未分配角色)", no_kwargs, EVERYONE)],
    # Identity (tests/accounts/test_passwords.py, test_two_factor.py): one's own password; the second factor for
    # staff roles; its login step only for a user with a device (none in the map).
    "password_change": [Case("one's own password", no_kwargs, EVERYONE)],
    "otp_setup": [Case("one's own second factor, for staff roles", no_kwargs, STAFF)],
    "otp_verify": [Case("the second step of a login, with a device", no_kwargs, frozenset(), personal=True)],
    # The lists answer everyone, showing only the rows in scope (tests/villages, tests/advisors, tests/ledger
    # test_views.py, test_review_pages.py).
    "villages:village_list": [Case("the list", no_kwargs, EVERYONE)],
    "villages:township_list": [Case("the list", no_kwargs, EVERYONE)],
    "advisors:advisor_list": [Case("the list", no_kwargs, EVERYONE)],
    "advisors:agreement_list": [Case("the list", no_kwargs, EVERYONE)],
    "ledger:worklog_list": [Case("the list", no_kwargs, EVERYONE)],
    "ledger:lecture_list": [Case("the list", no_kwargs, EVERYONE)],
    "ledger:incident_list": [Case("the list", no_kwargs, EVERYONE)],
    "notifications:list": [Case("each person's own notifications", no_kwargs, EVERYONE)],
    "villages:village_detail": [
        Case(
            "the liaison's village, served by the advisor",
            pk_of("village"),
            BUREAU | {"office_user", "advisor_user", "liaison_user"},
        ),
        Case(
            "another village of the same advisor",
            pk_of("second_village"),
            BUREAU | {"office_user", "advisor_user"},
        ),
        Case(
            "a village the advisor served last year only",
            pk_of("vacant_village"),
            BUREAU | {"office_user"},
        ),
        Case(
            "a village of another township",
            pk_of("other_township_village"),
            BUREAU | {"other_office_user", "other_advisor_user"},
        ),
        Case("a village of another bureau", pk_of("other_bureau_village"), OTHER_BUREAU),
    ],
    "villages:township_detail": [
        Case(
            "the township of the office, the advisor and the liaison",
            pk_of("township"),
            BUREAU | {"office_user", "advisor_user", "liaison_user"},
        ),
        Case(
            "another township of the bureau",
            pk_of("other_township"),
            BUREAU | {"other_office_user", "other_advisor_user"},
        ),
        Case("a township of another bureau", pk_of("other_bureau_township"), OTHER_BUREAU),
    ],
    "advisors:advisor_detail": [
        Case(
            "the advisor of the office's township and the liaison's village",
            pk_of("advisor"),
            BUREAU | {"office_user", "advisor_user", "liaison_user"},
        ),
        Case(
            "an advisor of another township",
            pk_of("other_advisor"),
            BUREAU | {"other_office_user", "other_advisor_user"},
        ),
        Case("an advisor of another bureau", pk_of("other_bureau_advisor"), OTHER_BUREAU),
    ],
    "advisors:agreement_detail": cases_for_the_agreement_family(pk_of),
    "agreement_scan": cases_for_the_agreement_family(scan_of),
    # One full phone number, revealed and audited (common/phones.py): the record's own scope, POST only.
    "reveal_phone": [
        Case(
            "the mobile of the advisor of the office's township and the liaison's village",
            lambda w: {"kind": "advisor-mobile", "pk": w.advisor.pk},
            BUREAU | {"office_user", "advisor_user", "liaison_user"},
            method="post",
        ),
        Case(
            "the mobile of an advisor of another township",
            lambda w: {"kind": "advisor-mobile", "pk": w.other_advisor.pk},
            BUREAU | {"other_office_user", "other_advisor_user"},
            method="post",
        ),
        Case(
            "the mobile of an advisor of another bureau",
            lambda w: {"kind": "advisor-mobile", "pk": w.other_bureau_advisor.pk},
            OTHER_BUREAU,
            method="post",
        ),
        Case(
            "the liaison phone of the liaison's village",
            lambda w: {"kind": "village-liaison-phone", "pk": with_liaison_phone(w.village).pk},
            BUREAU | {"office_user", "advisor_user", "liaison_user"},
            method="post",
        ),
        Case(
            "the liaison phone of a village of another township",
            lambda w: {
                "kind": "village-liaison-phone",
                "pk": with_liaison_phone(w.other_township_village).pk,
            },
            BUREAU | {"other_office_user", "other_advisor_user"},
            method="post",
        ),
        Case(
            "the liaison phone of a village of another bureau",
            lambda w: {"kind": "village-liaison-phone", "pk": with_liaison_phone(w.other_bureau_village).pk},
            OTHER_BUREAU,
            method="post",
        ),
        Case(
            "the resident's phone on a submitted log of the liaison's village",
            lambda w: {"kind": "worklog-object-phone", "pk": new_log(w, "agreement").pk},
            LOG_READERS["agreement"],
            method="post",
        ),
        Case(
            "the resident's phone on another advisor's draft",
            lambda w: {"kind": "worklog-object-phone", "pk": new_log(w, "other_agreement", "draft").pk},
            {"other_advisor_user"},
            method="post",
        ),
        Case(
            "the resident's phone on a log of another bureau",
            lambda w: {"kind": "worklog-object-phone", "pk": new_log(w, "other_bureau_agreement").pk},
            OTHER_BUREAU,
            method="post",
        ),
    ],
    # --- work logs: the advisor's pages ---
    "ledger:worklog_create": advisors_only("the new-log form"),
    "ledger:lecture_create": advisors_only("the new-lecture form"),
    "ledger:incident_create": advisors_only("the form reporting an incident"),
    "ledger:worklog_detail": [
        Case("a submitted log of the liaison's village", a_log("agreement"), LOG_READERS["agreement"]),
        Case(
            "the advisor's draft: theirs alone until submitted", a_log("agreement", "draft"), {"advisor_user"}
        ),
        Case(
            "a log of the advisor's other village",
            a_log("second_agreement"),
            LOG_READERS["second_agreement"],
        ),
        Case(
            "the advisor's log of last year, in a village they no longer serve",
            a_log("past_agreement"),
            LOG_READERS["past_agreement"],
        ),
        Case("a log of another township", a_log("other_agreement"), LOG_READERS["other_agreement"]),
        Case("another advisor's draft", a_log("other_agreement", "draft"), {"other_advisor_user"}),
        Case("a log of another bureau", a_log("other_bureau_agreement"), OTHER_BUREAU),
    ],
    "ledger:worklog_edit": [
        Case("the advisor's draft", a_log("agreement", "draft"), {"advisor_user"}, forbidden={"superuser"}),
        Case(
            "the advisor's log returned to them",
            a_log("agreement", "returned"),
            {"advisor_user"},
            forbidden=BUREAU | {"office_user", "liaison_user", "superuser"},
        ),
        Case(
            "a submitted log: nobody may change it unless it is returned; its author is sent to its page",
            a_log("agreement"),
            set(),
            forbidden=(LOG_READERS["agreement"] - {"advisor_user"}) | {"superuser"},
            sent_on={"advisor_user"},
        ),
        Case(
            "another advisor's returned log",
            a_log("other_agreement", "returned"),
            {"other_advisor_user"},
            forbidden=BUREAU | {"other_office_user", "superuser"},
        ),
        Case(
            "a returned log of another bureau",
            a_log("other_bureau_agreement", "returned"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
        ),
    ],
    "ledger:worklog_submit": [
        Case(
            "the advisor's draft",
            a_log("agreement", "draft"),
            {"advisor_user"},
            forbidden={"superuser"},
            method="post",
        ),
        Case(
            "the advisor's log returned to them",
            a_log("agreement", "returned"),
            {"advisor_user"},
            forbidden=BUREAU | {"office_user", "liaison_user", "superuser"},
            method="post",
        ),
        Case(
            "another advisor's draft",
            a_log("other_agreement", "draft"),
            {"other_advisor_user"},
            forbidden={"superuser"},
            method="post",
        ),
        Case(
            "a returned log of another bureau",
            a_log("other_bureau_agreement", "returned"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
        ),
    ],
    "ledger:worklog_add_photos": [
        Case(
            "the advisor's submitted log (photos taken on site may follow)",
            a_log("agreement"),
            {"advisor_user"},
            forbidden=BUREAU | {"office_user", "liaison_user", "superuser"},
            method="post",
            data=some_photos,
        ),
        Case(
            "the advisor's draft",
            a_log("agreement", "draft"),
            {"advisor_user"},
            forbidden={"superuser"},
            method="post",
            data=some_photos,
        ),
        Case(
            "a confirmed log: too late for photos, even for its advisor",
            a_log("agreement", "confirmed"),
            set(),
            forbidden=LOG_READERS["agreement"] | {"superuser"},
            method="post",
            data=some_photos,
        ),
        Case(
            "another advisor's submitted log",
            a_log("other_agreement"),
            {"other_advisor_user"},
            forbidden=BUREAU | {"other_office_user", "superuser"},
            method="post",
            data=some_photos,
        ),
        Case(
            "a submitted log of another bureau",
            a_log("other_bureau_agreement"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
            data=some_photos,
        ),
    ],
    # --- work logs: the village's and the justice office's pages ---
    "ledger:worklog_confirm": [
        Case(
            "a submitted log of the liaison's village: the liaison, or the office on its behalf",
            a_log("agreement"),
            {"liaison_user", "office_user"},
            forbidden=BUREAU | {"advisor_user", "superuser"},
            method="post",
        ),
        Case(
            "the advisor's draft, which nobody else sees",
            a_log("agreement", "draft"),
            set(),
            forbidden={"advisor_user", "superuser"},
            method="post",
        ),
        Case(
            "a submitted log of another township",
            a_log("other_agreement"),
            {"other_office_user"},
            forbidden=BUREAU | {"other_advisor_user", "superuser"},
            method="post",
        ),
        Case(
            "a submitted log of another bureau",
            a_log("other_bureau_agreement"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
        ),
    ],
    "ledger:worklog_dispute": [
        Case(
            "a submitted log of the liaison's village: the liaison only",
            a_log("agreement"),
            {"liaison_user"},
            forbidden=BUREAU | {"office_user", "advisor_user", "superuser"},
            method="post",
            data=a_reason,
        ),
        Case(
            "the advisor's draft, which nobody else sees",
            a_log("agreement", "draft"),
            set(),
            forbidden={"advisor_user", "superuser"},
            method="post",
            data=a_reason,
        ),
        Case(
            "a submitted log of another township (whose village has no liaison)",
            a_log("other_agreement"),
            set(),
            forbidden=BUREAU | {"other_office_user", "other_advisor_user", "superuser"},
            method="post",
            data=a_reason,
        ),
        Case(
            "a submitted log of another bureau",
            a_log("other_bureau_agreement"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
            data=a_reason,
        ),
    ],
    "ledger:worklog_verify": [
        Case(
            "a confirmed log of the office's township",
            a_log("agreement", "confirmed"),
            {"office_user"},
            forbidden=BUREAU | {"advisor_user", "liaison_user", "superuser"},
            method="post",
        ),
        Case(
            "a confirmed log of another village of the township",
            a_log("second_agreement", "confirmed"),
            {"office_user"},
            forbidden=BUREAU | {"advisor_user", "superuser"},
            method="post",
        ),
        Case(
            "the advisor's draft, which nobody else sees",
            a_log("agreement", "draft"),
            set(),
            forbidden={"advisor_user", "superuser"},
            method="post",
        ),
        Case(
            "a confirmed log of another township",
            a_log("other_agreement", "confirmed"),
            {"other_office_user"},
            forbidden=BUREAU | {"other_advisor_user", "superuser"},
            method="post",
        ),
        Case(
            "a confirmed log of another bureau",
            a_log("other_bureau_agreement", "confirmed"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
        ),
    ],
    "ledger:worklog_return": [
        Case(
            "a confirmed log of the office's township",
            a_log("agreement", "confirmed"),
            {"office_user"},
            forbidden=BUREAU | {"advisor_user", "liaison_user", "superuser"},
            method="post",
            data=a_reason,
        ),
        Case(
            "the advisor's draft, which nobody else sees",
            a_log("agreement", "draft"),
            set(),
            forbidden={"advisor_user", "superuser"},
            method="post",
            data=a_reason,
        ),
        Case(
            "a confirmed log of another township",
            a_log("other_agreement", "confirmed"),
            {"other_office_user"},
            forbidden=BUREAU | {"other_advisor_user", "superuser"},
            method="post",
            data=a_reason,
        ),
        Case(
            "a confirmed log of another bureau",
            a_log("other_bureau_agreement", "confirmed"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
            data=a_reason,
        ),
    ],
    "ledger:worklogs_verify": [
        Case(
            "核查所选 with a confirmed log of the village selected: back to the list for anyone, whose scope and "
            "role decide which selected logs are verified (tests/ledger/test_review_pages.py)",
            no_kwargs,
            EVERYONE,
            method="post",
            data=a_confirmed_log_of_the_village_selected,
        ),
    ],
    "ledger:monthly_check": [
        Case("the first township of a bureau role, the office's own", no_kwargs, STAFF),
        Case("the office's township", no_kwargs, BUREAU | {"office_user"}, query=township_of("township")),
        Case(
            "another township of the bureau",
            no_kwargs,
            BUREAU | {"other_office_user"},
            query=township_of("other_township"),
        ),
        Case(
            "a township of another bureau",
            no_kwargs,
            OTHER_BUREAU,
            query=township_of("other_bureau_township"),
        ),
    ],
    "ledger:lecture_receive": [
        Case(
            "a lecture in the office's township",
            a_lecture("agreement"),
            {"office_user"},
            forbidden=BUREAU | {"advisor_user", "liaison_user", "superuser"},
            method="post",
        ),
        Case(
            "a lecture in another township",
            a_lecture("other_agreement"),
            {"other_office_user"},
            forbidden=BUREAU | {"other_advisor_user", "superuser"},
            method="post",
        ),
        Case(
            "a lecture of another bureau",
            a_lecture("other_bureau_agreement"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
        ),
    ],
    "ledger:incident_detail": [
        Case(
            "an incident the advisor reported from the liaison's village (the office's, not the liaison's)",
            an_incident("agreement"),
            BUREAU | {"office_user", "advisor_user"},
        ),
        Case(
            "an incident in another township",
            an_incident("other_agreement"),
            BUREAU | {"other_office_user", "other_advisor_user"},
        ),
        Case("an incident in another bureau", an_incident("other_bureau_agreement"), OTHER_BUREAU),
    ],
    "ledger:incident_acknowledge": [
        Case(
            "an incident in the office's township",
            an_incident("agreement"),
            {"office_user"},
            forbidden=BUREAU | {"advisor_user", "superuser"},
            method="post",
        ),
        Case(
            "an incident in another township",
            an_incident("other_agreement"),
            {"other_office_user"},
            forbidden=BUREAU | {"other_advisor_user", "superuser"},
            method="post",
        ),
        Case(
            "an incident in another bureau",
            an_incident("other_bureau_agreement"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
        ),
    ],
    "ledger:incident_record_handling": [
        Case(
            "an incident in the office's township",
            an_incident("agreement"),
            {"office_user"},
            forbidden=BUREAU | {"advisor_user", "superuser"},
            method="post",
            data=handling_data,
        ),
        Case(
            "an incident in another township",
            an_incident("other_agreement"),
            {"other_office_user"},
            forbidden=BUREAU | {"other_advisor_user", "superuser"},
            method="post",
            data=handling_data,
        ),
        Case(
            "an incident in another bureau",
            an_incident("other_bureau_agreement"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
            data=handling_data,
        ),
    ],
    # --- private files of the ledger (served by scoped views, like the agreements' scans) ---
    "worklog_photo": [
        Case(
            "a photo of a submitted log of the liaison's village",
            a_photo("agreement"),
            LOG_READERS["agreement"],
        ),
        Case("a photo of the advisor's draft", a_photo("agreement", "draft"), {"advisor_user"}),
        Case(
            "a photo of a log of another township",
            a_photo("other_agreement"),
            LOG_READERS["other_agreement"],
        ),
        Case("a photo of a log of another bureau", a_photo("other_bureau_agreement"), OTHER_BUREAU),
    ],
    "lecture_outline": [
        Case(
            "the outline of a lecture in the liaison's village",
            an_outline("agreement"),
            LOG_READERS["agreement"],
        ),
        Case(
            "the outline of a lecture in another township",
            an_outline("other_agreement"),
            LOG_READERS["other_agreement"],
        ),
        Case(
            "the outline of a lecture of another bureau", an_outline("other_bureau_agreement"), OTHER_BUREAU
        ),
    ],
    "work_summary_file": [
        Case(
            "the file of the office's summary: the office and its bureau",
            a_summary_file("township"),
            BUREAU | {"office_user"},
        ),
        Case(
            "the file of another township's summary",
            a_summary_file("other_township"),
            BUREAU | {"other_office_user"},
        ),
        Case("the file of another bureau's summary", a_summary_file("other_bureau_township"), OTHER_BUREAU),
    ],
    # --- the justice office's year-end work summary ---
    "ledger:work_summary_list": [Case("the townships' summaries of a year", no_kwargs, STAFF)],
    "ledger:work_summary": [
        Case(
            "the office's township: the office writes, the bureau reads",
            a_summary_page("township"),
            BUREAU | {"office_user"},
        ),
        Case("another township", a_summary_page("other_township"), BUREAU | {"other_office_user"}),
        Case("a township of another bureau", a_summary_page("other_bureau_township"), OTHER_BUREAU),
    ],
    # --- notifications and deadlines ---
    "notifications:read": [
        Case(
            "the advisor's notification: theirs alone",
            a_notification_for("advisor_user"),
            {"advisor_user"},
            method="post",
            personal=True,
        ),
        Case(
            "the office's notification",
            a_notification_for("office_user"),
            {"office_user"},
            method="post",
            personal=True,
        ),
    ],
    # --- monthly ledgers (ledger/views/ledgers.py): the advisor submits, the office forwards, the bureau looks ---
    "ledger:ledger_overview": [
        Case(
            "the bureau's month per township; not the offices', advisors' or liaisons' (they see their own pages)",
            no_kwargs,
            BUREAU | OTHER_BUREAU,
            forbidden={"office_user", "other_office_user", "liaison_user"} | ADVISORS,
        ),
    ],
    "ledger:ledger_month": [
        Case(
            "the advisor's month of the liaison's village: others who see the village may not open it",
            pk_of("village"),
            {"advisor_user"},
            forbidden=BUREAU | {"office_user", "liaison_user", "superuser"},
        ),
        Case(
            "the advisor's month of another village of theirs",
            pk_of("second_village"),
            {"advisor_user"},
            forbidden=BUREAU | {"office_user", "superuser"},
        ),
        Case(
            "the village the advisor served last year",
            pk_of("vacant_village"),
            set(),
            forbidden=BUREAU | {"office_user", "superuser"},
        ),
        Case(
            "another advisor's village in another township",
            pk_of("other_township_village"),
            {"other_advisor_user"},
            forbidden=BUREAU | {"other_office_user", "superuser"},
        ),
        Case(
            "a village of another bureau",
            pk_of("other_bureau_village"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
        ),
    ],
    "ledger:ledger_submit": [
        Case(
            "submitting this month's ledger of the advisor's village",
            pk_of("village"),
            {"advisor_user"},
            forbidden=BUREAU | {"office_user", "liaison_user", "superuser"},
            method="post",
            data=this_month,
        ),
        Case(
            "submitting another advisor's village's ledger",
            pk_of("other_township_village"),
            {"other_advisor_user"},
            forbidden=BUREAU | {"other_office_user", "superuser"},
            method="post",
            data=this_month,
        ),
        Case(
            "a village of another bureau",
            pk_of("other_bureau_village"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
            data=this_month,
        ),
    ],
    "ledger:ledger_township": [
        Case(
            "the office's township month: the bureau too; its advisors and liaison may not",
            pk_of("township"),
            BUREAU | {"office_user"},
            forbidden={"advisor_user", "liaison_user"},
        ),
        Case(
            "another township of the bureau",
            pk_of("other_township"),
            BUREAU | {"other_office_user"},
            forbidden={"other_advisor_user"},
        ),
        Case("a township of another bureau", pk_of("other_bureau_township"), OTHER_BUREAU),
    ],
    "ledger:ledger_township_forward": [
        Case(
            "the forwarding's confirmation: only the township's office (its POST: test_township_forwarding.py)",
            pk_of("township"),
            {"office_user"},
            forbidden=BUREAU | {"advisor_user", "liaison_user", "superuser"},
        ),
        Case(
            "the confirmation of another township's month",
            pk_of("other_township"),
            {"other_office_user"},
            forbidden=BUREAU | {"other_advisor_user", "superuser"},
        ),
        Case(
            "a township of another bureau",
            pk_of("other_bureau_township"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
        ),
    ],
    "ledger:ledger_township_recall": [
        Case(
            "recalling the office's forwarding: only its office",
            pk_of("township"),
            {"office_user"},
            forbidden=BUREAU | {"advisor_user", "liaison_user", "superuser"},
            method="post",
            data=this_month,
        ),
        Case(
            "a township of another bureau",
            pk_of("other_bureau_township"),
            set(),
            forbidden=OTHER_BUREAU | {"superuser"},
            method="post",
            data=this_month,
        ),
    ],
    "ledger:ledger_township_accept": [
        Case(
            "the bureau accepts a township's month; its office, advisors and liaison may not",
            pk_of("township"),
            BUREAU | {"superuser"},
            forbidden={"office_user", "advisor_user", "liaison_user"},
            method="post",
            data=this_month,
        ),
        Case(
            "a township of another bureau",
            pk_of("other_bureau_township"),
            OTHER_BUREAU | {"superuser"},
            method="post",
            data=this_month,
        ),
    ],
    "deadlines:dashboard": [
        Case(
            "the bureau's whole district, the office's township; not the advisors', liaisons' or role-less",
            no_kwargs,
            STAFF,
            forbidden=ADVISORS | {"liaison_user", "stranger"},
        ),
    ],
    # The provincial forms (ledger/views/reports.py): the HTML preview is checked here (the PDF and the workbook
    # come from the same builder and the same scoping: tests/ledger/test_reports.py).
    "ledger:reports_index": [Case("each role's forms", no_kwargs, STAFF | ADVISORS)],
    "ledger:report_worklog": [
        Case("a submitted log of the liaison's village", a_log("agreement"), LOG_READERS["agreement"]),
        Case("the advisor's draft", a_log("agreement", "draft"), {"advisor_user"}),
        Case("a log of another township", a_log("other_agreement"), LOG_READERS["other_agreement"]),
        Case("a log of another bureau", a_log("other_bureau_agreement"), OTHER_BUREAU),
    ],
    "ledger:report_worklogs": [
        Case(
            "the month of the advisor's village",
            no_kwargs,
            BUREAU | {"office_user", "advisor_user"},
            query=lambda w: {"village": w.village.pk, "year": 2026, "month": 6},
        ),
        Case(
            "the month of a village the advisor served last year",
            no_kwargs,
            BUREAU | {"office_user", "advisor_user"},
            query=lambda w: {"village": w.vacant_village.pk, "year": 2025, "month": 3},
        ),
        Case(
            "a village of another township",
            no_kwargs,
            BUREAU | {"other_office_user", "other_advisor_user"},
            query=lambda w: {"village": w.other_township_village.pk, "year": 2026, "month": 6},
        ),
        Case(
            "a village of another bureau",
            no_kwargs,
            OTHER_BUREAU,
            query=lambda w: {"village": w.other_bureau_village.pk, "year": 2026, "month": 6},
        ),
    ],
    "ledger:report_ledger": [
        Case(
            "the advisor's annual ledger of the liaison's village",
            no_kwargs,
            BUREAU | {"office_user", "advisor_user"},
            query=lambda w: {"advisor": w.advisor.pk, "village": w.village.pk, "year": 2026},
        ),
        Case(
            "the advisor's ledger of last year's village",
            no_kwargs,
            BUREAU | {"office_user", "advisor_user"},
            query=lambda w: {"advisor": w.advisor.pk, "village": w.vacant_village.pk, "year": 2025},
        ),
        Case(
            "another township's advisor",
            no_kwargs,
            BUREAU | {"other_office_user", "other_advisor_user"},
            query=lambda w: {"advisor": w.other_advisor.pk, "village": w.other_township_village.pk},
        ),
        Case(
            "another bureau's advisor",
            no_kwargs,
            OTHER_BUREAU,
            query=lambda w: {"advisor": w.other_bureau_advisor.pk, "village": w.other_bureau_village.pk},
        ),
    ],
    "ledger:report_township_month": [
        Case("the first township of a bureau role, the office's own", no_kwargs, STAFF),
        Case("the office's township", no_kwargs, BUREAU | {"office_user"}, query=township_of("township")),
        Case(
            "another township of the bureau",
            no_kwargs,
            BUREAU | {"other_office_user"},
            query=township_of("other_township"),
        ),
        Case(
            "a township of another bureau",
            no_kwargs,
            OTHER_BUREAU,
            query=township_of("other_bureau_township"),
        ),
    ],
    # --- the public face (publicity/): no login, the same for everyone ---
    "publicity:home": [
        Case("the directory", no_kwargs, EVERYONE, public=True),
        Case("a search", no_kwargs, EVERYONE, public=True, query=lambda w: {"q": "王庄"}),
    ],
    "publicity:village_detail": [
        Case("a village with an advisor", pk_of("village"), EVERYONE, public=True),
        Case("a village without an advisor", pk_of("vacant_village"), EVERYONE, public=True),
        Case("a village of another bureau", pk_of("other_bureau_village"), EVERYONE, public=True),
    ],
    "publicity:village_poster": [
        Case("the poster of a village with an advisor", pk_of("village"), EVERYONE, public=True),
    ],
    "publicity:advisor_detail": [
        Case("an advisor serving villages now", pk_of("advisor"), EVERYONE, public=True),
        Case("an advisor with no current agreement", an_advisor_without_agreement, set(), public=True),
    ],
    "publicity:care_mode": [
        Case(
            "switching 关怀版 on",
            no_kwargs,
            EVERYONE,
            public=True,
            redirects=True,
            query=lambda w: {"on": "1", "next": "/public/"},
        ),
    ],
    "publicity:not_found": [
        Case("any other address under /public/", lambda w: {"path": "nowhere/"}, set(), public=True),
    ],
    # --- residents' requests and ratings (consultations/) ---
    "residents:ask": [
        Case("asking a village's advisor", pk_of("village"), EVERYONE, public=True),
        Case("a village without an advisor", pk_of("vacant_village"), set(), public=True),
    ],
    "residents:rate": [
        Case("rating a village's advisor", pk_of("village"), EVERYONE, public=True),
        Case("a village without an advisor", pk_of("vacant_village"), set(), public=True),
    ],
    "residents:rated": [Case("the thanks after a rating", pk_of("village"), EVERYONE, public=True)],
    "residents:lookup": [Case("the lookup of a request's state", no_kwargs, EVERYONE, public=True)],
    "residents:status": [
        Case("a request's state", new_reference, EVERYONE, public=True),
        Case("an unknown reference", lambda w: {"reference": "NOSUCH22"}, set(), public=True),
    ],
    "consultations:request_list": [
        Case("the requests in scope", no_kwargs, RESIDENT_LISTS, forbidden={"liaison_user", "stranger"}),
    ],
    "consultations:rating_list": [
        Case("the ratings in scope", no_kwargs, RESIDENT_LISTS, forbidden={"liaison_user", "stranger"}),
    ],
    "consultations:request_detail": [
        Case(
            "a request to the advisor of `village`",
            new_resident_request("agreement"),
            BUREAU | {"office_user", "advisor_user"},
        ),
        Case(
            "a request to another township's advisor",
            new_resident_request("other_agreement"),
            BUREAU | {"other_office_user", "other_advisor_user"},
        ),
        Case("a request caught as spam", new_resident_request("agreement", "spam"), BUREAU | {"office_user"}),
        Case("a request in another bureau", new_resident_request("other_bureau_agreement"), OTHER_BUREAU),
    ],
    "consultations:request_close": [
        Case(
            "closing an open request",
            new_resident_request("agreement"),
            {"advisor_user"},
            forbidden=BUREAU | {"office_user", "superuser"},
            method="post",
            data=lambda w: CLOSE_DATA,
        ),
        Case(
            "closing an escalated request",
            new_resident_request("agreement", "escalated"),
            {"advisor_user", "office_user"},
            forbidden=BUREAU | {"superuser"},
            method="post",
            data=lambda w: CLOSE_DATA,
        ),
    ],
    # A staff action under /public/: login required, scoped by townships_visible_to; advisors and liaisons who can
    # see the township may not print its posters.
    "publicity:township_posters": [
        Case(
            "the posters of a township",
            pk_of("township"),
            BUREAU | {"office_user"},
            forbidden={"advisor_user", "liaison_user"},
        ),
        Case("the posters of another bureau's township", pk_of("other_bureau_township"), OTHER_BUREAU),
    ],
    "ledger:report_statistics": [
        Case("the bureau's own half-year", no_kwargs, BUREAU | OTHER_BUREAU, query=lambda w: {"half": 1}),
        Case(
            "another bureau's year",
            no_kwargs,
            OTHER_BUREAU,
            query=lambda w: {"bureau": w.other_bureau.pk, "year": 2026},
        ),
    ],
    # The whole bureau's year workbook, built in the background (ledger/views/exports.py; tests/ledger/test_exports.py
    # checks the POST and the building): bureau roles only, each their own bureau's exports.
    "ledger:export_list": [
        Case("the bureau's exports and the form asking for one", no_kwargs, BUREAU | OTHER_BUREAU)
    ],
    "ledger:export_download": [
        Case("a finished export of the bureau", an_export("bureau", "bureau_staff_user"), BUREAU),
        Case(
            "a finished export of another bureau",
            an_export("other_bureau", "other_bureau_admin_user"),
            OTHER_BUREAU,
        ),
    ],
    # --- 数据导入 (imports/; tests/imports): bureau admins only, each their own bureau's imports; the superuser,
    # who has no bureau to import into, sees the imports but may not import.
    # The oversight pages (oversight/): a city's and the province's figures over the county bureaus below them,
    # read only (tests/oversight/test_pages.py checks the figures, the downloads and the parameters).
    "oversight:index": [Case("the overseer's subtree and period", no_kwargs, OVERSEERS)],
    "oversight:coverage": [Case("覆盖情况 by bureau", no_kwargs, OVERSEERS)],
    "oversight:ledgers": [Case("台账报送 by bureau and month", no_kwargs, OVERSEERS)],
    "oversight:incidents": [Case("涉稳事项 by bureau", no_kwargs, OVERSEERS)],
    "oversight:reviews": [Case("考核等次 by bureau", no_kwargs, OVERSEERS)],
    "oversight:statistics": [Case("统计表 summed by bureau", no_kwargs, OVERSEERS)],
    "oversight:year_end": [Case("年度数据 of the subtree", no_kwargs, OVERSEERS)],
    "oversight:bureau": [
        Case("a county bureau of the city", pk_of("bureau"), {"city_user", "province_user"}),
        Case(
            "a county bureau of the other city", pk_of("other_bureau"), {"other_city_user", "province_user"}
        ),
    ],
    "imports:index": [Case("the imports and the upload form", no_kwargs, IMPORTERS, forbidden={"superuser"})],
    "imports:template": [Case("the template workbook", no_kwargs, IMPORTERS, forbidden={"superuser"})],
    "imports:roster": [
        Case("the bureau's roster in the template", no_kwargs, IMPORTERS, forbidden={"superuser"})
    ],
    "imports:detail": [
        Case("an import of the bureau", an_import("bureau", "ready"), {"bureau_admin_user"}),
        Case("an import of another bureau", an_import("other_bureau", "ready"), OTHER_BUREAU),
    ],
    "imports:confirm": [
        Case(
            "confirming a previewed import",
            an_import("bureau", "ready"),
            {"bureau_admin_user"},
            forbidden={"superuser"},
            method="post",
        )
    ],
    "imports:cancel": [
        Case(
            "cancelling a previewed import",
            an_import("bureau", "ready"),
            {"bureau_admin_user"},
            forbidden={"superuser"},
            method="post",
        )
    ],
    "imports:login_slips": [
        Case(
            "the login slips of a finished import",
            an_import("bureau", "done"),
            {"bureau_admin_user"},
            forbidden={"superuser"},
            method="post",
        )
    ],
    # --- reviews (assessment/): periods, each advisor's review and its village rows, the four opinions ---
    "assessment:period_list": [Case("the list, showing the periods in scope", no_kwargs, EVERYONE)],
    "assessment:period_open": [
        Case(
            "开启考核 for last year (ended): the bureau's staff, for their own bureau",
            no_kwargs,
            BUREAU | OTHER_BUREAU,
            forbidden=EVERYONE - BUREAU - OTHER_BUREAU,
            method="post",
            data=review_form(kind="year", year=2025),
        )
    ],
    "assessment:period_detail": [
        Case("the bureau's half-year period", a_period("bureau"), PERIOD_READERS),
        Case("another bureau's period", a_period("other_bureau"), OTHER_BUREAU),
    ],
    "assessment:period_compute": [
        Case(
            "the bureau's period: its staff recompute",
            a_period("bureau"),
            BUREAU,
            forbidden=(PERIOD_READERS - BUREAU) | {"superuser"},
            method="post",
        ),
        Case(
            "another bureau's period",
            a_period("other_bureau"),
            OTHER_BUREAU,
            forbidden={"superuser"},
            method="post",
        ),
    ],
    "assessment:period_close": [
        Case(
            "the bureau's period (refused while reviews are open: back with the message)",
            a_period("bureau"),
            BUREAU,
            forbidden=(PERIOD_READERS - BUREAU) | {"superuser"},
            method="post",
        ),
    ],
    "assessment:review_detail": [
        Case("the review of the office's advisor", a_review("advisor"), REVIEW_READERS),
        Case("the review of an advisor of another township", a_review("other_advisor"), OTHER_REVIEW_READERS),
        Case("a review of another bureau", a_review("other_bureau_advisor"), OTHER_BUREAU),
    ],
    "assessment:review_self_assess": review_action(
        "the advisor's self-assessment",
        {"advisor_user"},
        versioned_form(
            SelfAssessForm, latest_review, self_assessment="按时到村服务，完成讲座。", self_rating="good"
        ),
    ),
    "assessment:review_confirm": review_action("the advisor confirms the indicators", {"advisor_user"}),
    "assessment:review_object": review_action(
        "the advisor objects", {"advisor_user"}, review_form(objection="3月到村服务未计入")
    ),
    "assessment:review_office_rate": review_action(
        "the justice office's rating",
        {"office_user"},
        versioned_form(
            OfficeRatingForm, latest_review, office_rating="good", office_comment="服务认真，群众满意。"
        ),
    ),
    "assessment:review_answer": review_action(
        "the office answers an open objection",
        {"office_user"},
        review_form(objection_answer="经核实，3月日志未经村确认，不计入。"),
        state="objected",
    ),
    "assessment:review_finalize": review_action(
        "the bureau's final tier (with a reason, whatever the proposed one)",
        BUREAU,
        review_form(final_tier="pass", override_reason="综合回访情况调整"),
    ),
    "assessment:review_change_final": [
        Case(
            "a change after the lock: bureau admins (and the superuser)",
            a_review("advisor", "final"),
            {"bureau_admin_user"},
            forbidden={"bureau_staff_user", "office_user", "advisor_user"},
            method="post",
            data=review_form(final_tier="good", reason="复核后调整"),
        )
    ],
    "assessment:review_village": [
        Case(
            "the liaison's village in the advisor's review",
            a_review_village("advisor", "village"),
            REVIEW_READERS | {"liaison_user"},
        ),
        Case("another village of the review", a_review_village("advisor", "second_village"), REVIEW_READERS),
        Case(
            "the village of another township's advisor",
            a_review_village("other_advisor", "other_township_village"),
            OTHER_REVIEW_READERS,
        ),
        # SECURITY: the office reads the review (a village of its township is in it) but not another township's
        # village page of it, with that village's indicators: the rows are scoped like the village.
        Case(
            "another township's village of a review the office reads",
            a_review_village_across_townships,
            OTHER_REVIEW_READERS,
        ),
    ],
    "assessment:review_village_rate": [
        Case(
            "the liaison rates their village; the office may record it on the village's behalf",
            a_review_village("advisor", "village"),
            {"liaison_user", "office_user"},
            forbidden=BUREAU | {"advisor_user", "superuser"},
            method="post",
            data=versioned_form(
                VillageRatingForm,
                latest_review_village("village"),
                village_rating="good",
                village_comment="每月按时到村",
            ),
        ),
        Case(
            "the village of another township: its office only",
            a_review_village("other_advisor", "other_township_village"),
            {"other_office_user"},
            forbidden=BUREAU | {"other_advisor_user", "superuser"},
            method="post",
            data=versioned_form(
                VillageRatingForm, latest_review_village("other_township_village"), village_rating="pass"
            ),
        ),
    ],
    # --- the payout sheet and the year-end report of a period (assessment/views/sheets.py) ---
    "assessment:payout_sheet": [
        Case(
            "the bureau's period: the money is the bureau's to see",
            a_period("bureau"),
            BUREAU,
            forbidden=PERIOD_READERS - BUREAU,
        ),
        Case("another bureau's period", a_period("other_bureau"), OTHER_BUREAU),
    ],
    "assessment:payout_deduction_add": [
        Case(
            "a deduction from the advisor's agreement, before the tier is final: the bureau's staff",
            a_period("bureau"),
            BUREAU,
            forbidden=(PERIOD_READERS - BUREAU) | {"superuser"},
            method="post",
            data=a_deduction_of_the_advisor,
        ),
    ],
    "assessment:year_report": [
        Case(
            "the bureau's report (a justice office: its own township's)",
            a_period("bureau"),
            BUREAU | {"office_user", "other_office_user"},
            forbidden={"advisor_user", "other_advisor_user", "liaison_user"},
        ),
        Case("another bureau's period", a_period("other_bureau"), OTHER_BUREAU),
    ],
    # --- return visits and inspections (assessment/views/visits.py) ---
    "assessment:return_visit_list": [Case("the list, showing the visits in scope", no_kwargs, EVERYONE)],
    "assessment:return_visit_create": [
        Case(
            "回访 is recorded by the bureau's staff (of any bureau, for its own villages)",
            no_kwargs,
            BUREAU | OTHER_BUREAU,
            forbidden=EVERYONE - BUREAU - OTHER_BUREAU,
        )
    ],
    "assessment:return_visit_detail": [
        Case("a visit to the liaison's village", a_return_visit, BUREAU | {"office_user"}),
    ],
    "assessment:inspection_list": [Case("the list, showing the inspections in scope", no_kwargs, EVERYONE)],
    "assessment:inspection_create": [
        Case("检查 by the bureau's or a justice office's staff", no_kwargs, STAFF, forbidden=EVERYONE - STAFF)
    ],
    "assessment:inspection_detail": [
        Case(
            "an inspection of the liaison's village", an_inspection_with_a_finding, BUREAU | {"office_user"}
        ),
    ],
    "assessment:inspection_resolve": [
        Case(
            "its resolution: the bureau or the township's justice office",
            an_inspection_with_a_finding,
            BUREAU | {"office_user"},
            forbidden={"superuser"},
            method="post",
            data=a_resolution,
        ),
    ],
}


def _module_of(callback) -> str:
    return getattr(callback, "view_class", callback).__module__


def url_patterns(patterns=None, namespaces: tuple[str, ...] = (), prefix: str = ""):
    """(key, route, view) of every pattern the project serves, but the admin site's and Django's account pages.

    The key is the pattern's namespaced name (`villages:village_detail`), or its route when it has no name.
    """
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from url_patterns(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern):
            module = _module_of(pattern.callback)
            if module == "django.contrib.auth.views" and pattern.name in AUTH_URL_NAMES:
                continue
            if module == "django.views.static":
                continue  # MEDIA_URL, served by runserver when DEBUG is on (public photos only)
            key = ":".join((*namespaces, pattern.name)) if pattern.name else route
            yield key, route, pattern.callback


def send(client, key: str, case: Case, w: SimpleNamespace):
    """The case's request, its kwargs (and data) built afresh; returns the URL and the response."""
    url = reverse(key, kwargs=case.kwargs(w))
    response = client.post(url, case.data(w)) if case.method == "post" else client.get(url, case.query(w))
    if response.streaming:
        # Read a file to the end: the test client then closes it. (Not response.close(): outside the client, its
        # request_finished signal would close the database connection, and the test's transaction with it.)
        b"".join(response.streaming_content)
    return url, response


def test_it_has_an_entry_for_every_url_pattern():
    served = {key: route for key, route, _view in url_patterns()}
    missing = sorted(set(served) - set(URLS))

    assert not missing, (
        "These URL patterns have no entry in URLS (tests/test_url_scoping.py), so nobody has said who may open "
        "them. Add one per pattern: how to build its kwargs from `whole_map`, and which personas get 200 "
        "(or 403; the others must get 404):\n"
        + "\n".join(f"  {key!r}  (route {served[key]!r})" for key in missing)
    )


def test_it_has_no_entry_for_a_url_pattern_that_no_longer_exists():
    stale = sorted(set(URLS) - {key for key, _route, _view in url_patterns()})

    assert not stale, f"URLS lists patterns the project no longer serves: {stale}"


def test_it_checks_every_role_of_the_map():
    for key, cases in URLS.items():
        methods = {case.method for case in cases}
        assert len(methods) == 1, f"{key}: an endpoint is POST-only in all its cases or in none ({methods})"
        for case in cases:
            assert case.method in ("get", "post"), (key, case.about, case.method)
            assert case.ok <= EVERYONE, (key, case.about, case.ok - EVERYONE)
            assert case.forbidden <= EVERYONE, (key, case.about, case.forbidden - EVERYONE)
            assert not case.ok & case.forbidden, (key, case.about, case.ok & case.forbidden)
            assert case.data is nothing or case.method == "post", (key, case.about, "data is for a POST")
            assert case.query is nothing or case.method == "get", (key, case.about, "query is for a GET")
            if case.public:
                assert case.method == "get" and case.ok in (EVERYONE, set()), (key, case.about, "public")
            assert not case.redirects or case.public, (key, case.about, "redirects is for a public page")


TABLE = [(key, index) for key, cases in URLS.items() for index in range(len(cases))]


@pytest.mark.parametrize(("key", "index"), TABLE, ids=[f"{key}-{index}" for key, index in TABLE])
def test_it_answers_each_role_as_the_table_says(client, whole_map, key, index):
    case = URLS[key][index]
    expected = {role: case.expected(role, key) for role in ROLES}

    answered = {}
    for role in ROLES:
        client.force_login(getattr(whole_map, role))
        url, response = send(client, key, case, whole_map)
        answered[role] = response.status_code

    wrong = {
        role: f"answered {answered[role]}, not {expected[role]}"
        for role in ROLES
        if answered[role] != expected[role]
    }
    assert not wrong, f"{key} — {case.about} ({case.method.upper()} {url}): {wrong}"


PRIVATE = [key for key, cases in URLS.items() if not cases[0].public]
PUBLIC = [(key, index) for key, index in TABLE if URLS[key][index].public]


def test_it_marks_all_the_cases_of_a_url_public_or_none():
    for key, cases in URLS.items():
        assert len({case.public for case in cases}) == 1, key


@pytest.mark.parametrize("key", PRIVATE)
def test_it_sends_anonymous_visitors_to_the_login_page(client, whole_map, key):
    url, response = send(client, key, URLS[key][0], whole_map)

    assert response.status_code == 302, url
    assert response["Location"].startswith("/accounts/login/?next="), url


@pytest.mark.parametrize(("key", "index"), PUBLIC, ids=[f"{key}-{index}" for key, index in PUBLIC])
def test_it_answers_anonymous_visitors_of_a_public_page_like_everyone(client, whole_map, key, index):
    case = URLS[key][index]

    url, response = send(client, key, case, whole_map)

    assert response.status_code == case.expected(None), url
    if response.status_code == 302:
        assert not response["Location"].startswith("/accounts/login/"), url


POST_ONLY = [key for key, cases in URLS.items() if cases[0].method == "post"]


@pytest.mark.parametrize("key", POST_ONLY)
def test_it_answers_a_get_to_a_post_only_endpoint_with_405(client, whole_map, key):
    case = URLS[key][0]
    client.force_login(getattr(whole_map, sorted(case.ok)[0]))

    response = client.get(reverse(key, kwargs=case.kwargs(whole_map)))

    assert response.status_code == 405


def test_it_builds_the_scan_url_the_storage_gives(whole_map):
    kwargs = scan_of("agreement")(whole_map)

    assert reverse("agreement_scan", kwargs=kwargs) == whole_map.agreement.contract_scan.url


def test_it_builds_the_photo_and_outline_urls_the_storage_gives(whole_map):
    photo_url = reverse("worklog_photo", kwargs=a_photo("agreement")(whole_map))
    outline_url = reverse("lecture_outline", kwargs=an_outline("agreement")(whole_map))

    assert photo_url == WorkLogPhoto.objects.get().image.url
    assert outline_url == Lecture.objects.get().outline_file.url


# --- hostile query parameters: never a 500 ---

# Values a probe sends: a superscript digit (str.isdigit() says yes, int() says no), a month past the calendar, a
# negative number, SQL, a very long value, a NUL byte, a list's brackets (and every parameter also sent twice).
HOSTILE = ("²", "9999-12", "-1", "' OR 1=1 --", "9" * 10_000, "a\x00b", "[]", "0")
GET_PARAMETER = re.compile(
    r"""GET(?:\.get|\.getlist)?\(\s*["'](\w+)["']|GET\[["'](\w+)["']\]|_int\(request, ["'](\w+)["']"""
)
PROJECT_PACKAGES = {
    "accounts",
    "advisors",
    "assessment",
    "audit",
    "common",
    "deadlines",
    "ledger",
    "notifications",
}
PROJECT_PACKAGES |= {"publicity", "villages"}


def _names_used(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):  # a lambda or inner function
            names |= _names_used(const)
    return names


def parameters_read_by(function, depth: int = 3) -> set[str]:
    """The query parameters a view may read: the names in its `request.GET` calls and those of the project's
    functions it calls (a few levels down), and the filters of every FilterSet it uses."""
    function = inspect.unwrap(function)
    names = set()
    for match in GET_PARAMETER.finditer(inspect.getsource(function)):
        names.update(group for group in match.groups() if group)
    for name in _names_used(function.__code__):
        value = function.__globals__.get(name)
        if isinstance(value, type) and issubclass(value, django_filters.FilterSet):
            names.update(value.base_filters)
        elif (
            depth
            and inspect.isfunction(inspect.unwrap(value) if callable(value) else None)
            and value.__module__.partition(".")[0] in PROJECT_PACKAGES
        ):
            names |= parameters_read_by(value, depth - 1)
    return names


def fuzz_personas(case: Case) -> list[str | None]:
    """Who opens the page: an anonymous visitor of a public page; otherwise a bureau role and one other role that
    may open it (their pages differ)."""
    if case.public:
        return [None]
    ok = [role for role in ROLES if role in case.ok]
    bureau = next((role for role in ok if role in BUREAU), "superuser")
    other = next((role for role in ok if role not in BUREAU | OTHER_BUREAU), None)
    return [role for role in (bureau, other) if role]


PARAMETERS = {
    key: sorted(parameters_read_by(view))
    for key, _route, view in url_patterns()
    if key in URLS and URLS[key][0].method == "get"
}
FUZZED = [key for key, names in PARAMETERS.items() if names]


def test_it_finds_the_parameters_a_page_reads():
    assert PARAMETERS["ledger:monthly_check"] == ["month", "township"]
    assert {"month", "village", "advisor", "page"} <= set(PARAMETERS["ledger:worklog_list"])  # its filter's
    assert {"year", "format", "township"} <= set(PARAMETERS["ledger:report_township_month"])  # its helpers'


@pytest.mark.parametrize("key", FUZZED)
def test_it_never_answers_a_hostile_query_parameter_with_a_server_error(client, whole_map, key):
    # SECURITY: every parameter a page reads is parsed by a form or one helper that refuses (400/404) or ignores it.
    # Each parameter alone with each value for the first persona; all of them at once for the others.
    case = URLS[key][0]
    url = reverse(key, kwargs=case.kwargs(whole_map))
    client.raise_request_exception = False
    failures = []
    for index, persona in enumerate(fuzz_personas(case)):
        client.logout()
        if persona:
            client.force_login(getattr(whole_map, persona))
        for value in (*HOSTILE, [HOSTILE[0], HOSTILE[1]]):
            queries = [{name: value} for name in PARAMETERS[key]] if index == 0 else []
            for query in [*queries, dict.fromkeys(PARAMETERS[key], value)]:
                response = client.get(url, {**case.query(whole_map), **query})
                if response.streaming:
                    b"".join(response.streaming_content)
                if response.status_code >= 500:
                    failures.append(f"{persona} {sorted(query)}={str(value)[:20]!r}: {response.status_code}")
    assert not failures, f"{key} ({url}):\n" + "\n".join(failures)
