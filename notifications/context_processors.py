from functools import cache

from .models import Notification


def unread_count(request) -> dict:
    if not request.user.is_authenticated:
        return {}
    # Lazy: the query runs only on pages whose template shows the count, and once however often it shows it.
    return {
        "unread_notifications": cache(
            lambda: Notification.objects.filter(recipient=request.user).unread().count()
        )
    }
