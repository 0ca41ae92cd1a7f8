import sys

from django.db import OperationalError
from django.http import HttpResponseServerError
from django.template import loader


def server_error(request):
    """handler500: the site's own page. A database that is busy or unreachable (OperationalError: "database is
    locked", a dropped connection) is a 503 that says to try again in a minute; anything else the 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError):
        response = HttpResponseServerError(loader.get_template("503.html").render())
        response.status_code = 503
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
