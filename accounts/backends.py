from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login made through a page (the login page, the admin's login).

    A login without a request (the test client's `login()`, a shell) has no client to count failures for; axes
    would raise there, so it is left to the next backend. Every page passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class UserWithProfileBackend(ModelBackend):
    """Django's model backend, reading the signed-in user with their profile, bureau and township in one query:
    every page asks for them (the access policy, the menus)."""

    def get_user(self, user_id):
        user = (
            UserModel._default_manager.select_related("profile__bureau", "profile__township")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
