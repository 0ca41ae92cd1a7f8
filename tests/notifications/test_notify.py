"""Notifications: created once per key, e-mailed once after the transaction commits, read on the list page."""

import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import notification_send_email, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = "2026年6月台账即将到期"
BODY = "请于6月25日前向司法所报送王庄村本月工作台账。"
URL = "/logs/"


@pytest.fixture
def wang(db):
    return UserFactory(username="wang", email="wang@example.cn")


@pytest.fixture
def li(db):
    return UserFactory(username="li", email="li@example.cn")


@pytest.fixture
def no_email(db):
    return UserFactory(username="no_email", email="")


def remind(*recipients, key: str = "ledger-reminder:2026-06"):
    return notify(recipients=recipients, title=TITLE, body=BODY, url=URL, key=key)


# --- notify ---


def test_it_notifies_each_recipient_once_per_key_even_when_called_twice(wang, li):
    first = remind(wang, li)
    again = remind(wang, li)

    assert len(first) == 2
    assert again == []
    assert Notification.objects.filter(recipient=wang).count() == 1
    assert Notification.objects.filter(recipient=li).count() == 1


def test_it_notifies_a_recipient_added_on_the_second_call_and_nobody_else_again(wang, li):
    remind(wang)

    again = remind(wang, li)

    assert [n.recipient for n in again] == [li]
    assert Notification.objects.count() == 2


def test_it_notifies_again_under_another_key_or_without_one(wang):
    remind(wang, key="ledger-reminder:2026-06")
    remind(wang, key="ledger-reminder:2026-07")
    notify(recipients=[wang], title="工作日志被退回")
    notify(recipients=[wang], title="工作日志被退回")

    assert Notification.objects.filter(recipient=wang).count() == 4


def test_it_emails_each_new_notification_once_the_transaction_commits(
    wang, li, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://fazhi.example.cn/"
    with django_capture_on_commit_callbacks() as callbacks:
        remind(wang, li)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()

    assert sorted(message.to[0] for message in mail.outbox) == ["li@example.cn", "wang@example.cn"]
    message = mail.outbox[0]
    assert message.subject == TITLE
    assert BODY in message.body
    assert "https://fazhi.example.cn/logs/" in message.body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_it_emails_nobody_twice(wang, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        remind(wang)
    with django_capture_on_commit_callbacks(execute=True):
        remind(wang)
    notification_send_email(notification=Notification.objects.get())

    assert len(mail.outbox) == 1


def test_it_sends_no_email_to_a_recipient_without_an_address(
    no_email, wang, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind(no_email, wang)

    assert [message.to for message in mail.outbox] == [["wang@example.cn"]]
    assert Notification.objects.get(recipient=no_email).emailed_at is None


def test_it_sends_no_email_when_the_transaction_rolls_back(wang, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        remind(wang)
    # The callbacks were captured, not run: as if the transaction had been rolled back.

    assert len(callbacks) == 1
    assert mail.outbox == []


# --- the list page, marking read, and the count in the navigation ---


@pytest.fixture
def mine(office_user):
    return Notification.objects.create(
        recipient=office_user, title="王庄村日志待核查", url="/logs/?status=confirmed"
    )


@pytest.fixture
def theirs(liaison_user):
    return Notification.objects.create(recipient=liaison_user, title="李家村日志待确认", url="/logs/")


def test_it_lists_only_ones_own_notifications(client, office_user, mine, theirs):
    client.force_login(office_user)

    response = client.get("/notifications/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "王庄村日志待核查" in page
    assert "李家村日志待确认" not in page


def test_it_marks_a_notification_read_and_follows_its_link(client, office_user, mine):
    client.force_login(office_user)

    response = client.post(f"/notifications/{mine.pk}/read/")

    assert response.status_code == 302
    assert response["Location"] == "/logs/?status=confirmed"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_it_keeps_the_time_a_notification_was_first_read(client, office_user, mine):
    client.force_login(office_user)
    client.post(f"/notifications/{mine.pk}/read/")
    first_read = Notification.objects.get().read_at

    client.post(f"/notifications/{mine.pk}/read/")

    assert Notification.objects.get().read_at == first_read


@pytest.mark.parametrize("url", ["", "https://evil.example.com/phish", "//evil.example.com/"])
def test_it_goes_back_to_the_list_for_a_notification_without_a_local_link(client, office_user, url):
    notification = Notification.objects.create(recipient=office_user, title="系统通知", url=url)
    client.force_login(office_user)

    response = client.post(f"/notifications/{notification.pk}/read/")

    assert response["Location"] == "/notifications/"


def test_it_answers_404_for_another_users_notification_and_leaves_it_unread(client, office_user, theirs):
    # SECURITY
    client.force_login(office_user)

    response = client.post(f"/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_marks_read_only_on_post(client, office_user, mine):
    client.force_login(office_user)

    response = client.get(f"/notifications/{mine.pk}/read/")

    assert response.status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


def test_it_sends_an_anonymous_visitor_to_log_in(client, mine):
    assert client.get("/notifications/")["Location"].startswith("/accounts/login/")
    response = client.post(f"/notifications/{mine.pk}/read/")

    assert response["Location"].startswith("/accounts/login/")
    mine.refresh_from_db()
    assert mine.read_at is None


def test_it_shows_the_unread_count_in_the_navigation(client, office_user, mine, theirs):
    Notification.objects.create(recipient=office_user, title="柳林镇6月台账待汇总")
    Notification.objects.create(recipient=office_user, title="已读通知", read_at=mine.created_at)
    client.force_login(office_user)

    assert 'aria-label="2 条未读"' in client.get("/notifications/").content.decode()

    client.post(f"/notifications/{mine.pk}/read/")

    assert 'aria-label="1 条未读"' in client.get("/notifications/").content.decode()


def test_it_shows_no_count_when_everything_is_read(client, office_user, mine):
    client.force_login(office_user)
    client.post(f"/notifications/{mine.pk}/read/")

    page = client.get("/notifications/").content.decode()

    assert "条未读" not in page
