from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from advisors import views as advisor_views
from audit import views as audit_views
from home import views as home_views
from ledger.views import advisor as ledger_advisor_views
from ledger.views import summaries as ledger_summary_views

admin.site.site_header = _("村(居)法律顾问管理系统")
admin.site.site_title = _("村(居)法律顾问")
admin.site.index_title = _("司法局管理后台")

handler500 = "common.views.server_error"

urlpatterns = [
    path("", home_views.home, name="home"),
    # Identity (accounts/security.py): Django's password page that also records the change, and the second factor.
    path("accounts/password_change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/two-factor/", account_views.otp_setup, name="otp_setup"),
    path("accounts/two-factor/verify/", account_views.otp_verify, name="otp_verify"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("villages/", include("advisors.village_urls")),
    path("advisors/", include("advisors.urls")),
    path("logs/", include("ledger.urls")),
    path("notifications/", include("notifications.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("consultations/", include("consultations.urls")),
    path("public/", include("consultations.public_urls")),
    path("public/", include("publicity.urls")),
    path("reviews/", include("assessment.urls")),
    path("imports/", include("imports.urls")),
    path("oversight/", include("oversight.urls")),
    path("admin/", admin.site.urls),
    # Private storage's base URL: every file behind it is served by a view that checks the user's scope.
    path("private/agreements/<path:name>", advisor_views.agreement_scan, name="agreement_scan"),
    path("private/worklogs/<path:name>", ledger_advisor_views.worklog_photo, name="worklog_photo"),
    path("private/lectures/<path:name>", ledger_advisor_views.lecture_outline, name="lecture_outline"),
    path(
        "private/work-summaries/<path:name>", ledger_summary_views.work_summary_file, name="work_summary_file"
    ),
    # One full personal phone number, revealed on request and audited (common/phones.py says who sees what).
    path("reveal/<slug:kind>/<int:pk>/", audit_views.reveal_phone, name="reveal_phone"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
