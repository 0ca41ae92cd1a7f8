from .models import Notification


def unread_count(request) -> dict:
    if not request.user.is_authenticated:
        return {}
    # Lazy: the query runs only on pages whose template shows the count.
    return {
        "unread_notifications": lambda: Notification.objects.filter(recipient=request.user).unread().count()
    }
