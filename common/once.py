"""Every create form is safe to send twice (a double tap, a retry on a weak connection, the back button): the form
carries a one-time token made when it is shown (`OneTimeTokenForm.client_uuid`, as the work-log form's), and the
view makes the row through `create_once`, which returns the row the first sending made instead of a second one.

    form = IncidentForm(request.POST, user=request.user)
    if form.is_valid():
        incident, created = create_once(user=request.user, token=form.token, create=lambda: services.…(…))

The token is kept per user in `FormSubmission`, with the row it made; a refused sending (ValidationError) keeps
nothing, so the corrected form can be sent with the same token. Two sendings at the same moment: the second waits on
the unique (user, token) row of the first and then returns its row.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Model

from .models import FormSubmission

T = TypeVar("T")


class OneTimeTokenForm(forms.Form):
    """A create form's hidden one-time token: made when the form is shown, sent back with every retry."""

    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput, label="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_uuid", uuid.uuid4())

    @property
    def token(self) -> uuid.UUID | None:
        return self.cleaned_data.get("client_uuid")


def create_once(*, user, token: uuid.UUID | None, create: Callable[[], T]) -> tuple[T | None, bool]:
    """(what `create()` returned, True), or (the row the same token made before, False): None when that was not
    one row (several photos). No token (a form from before tokens): `create()`."""
    if token is None:
        return create(), True
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(user=user, token=token)
        except IntegrityError:
            earlier = FormSubmission.objects.get(user=user, token=token)
            if earlier.content_type_id is None or earlier.target is not None:
                return earlier.target, False
            submission = earlier  # its row has been deleted since: make it again
        made = create()
        if isinstance(made, Model):
            submission.target = made
            submission.save(update_fields=["content_type", "object_id"])
    return made, True
