from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login made through a page (the login page, the admin's login).

    A login without a request (the test client's `login()`, a shell) has no client to count failures for; axes
    would raise there, so it is left to the next backend. Every page passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
