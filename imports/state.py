"""The bureau's roster held in memory while a workbook is checked: loaded in a few queries, changed row by row as
each row passes its checks, and written at the end in bulk (a handful of INSERTs and UPDATEs per table).

A row per query would not do: a city's 3,000 villages with their advisors, agreements and liaisons are some 10,000
rows, and the model save path (savepoint, full_clean's unique checks, the audit entry) costs 20–40 queries a row,
minutes on a busy server. Field rules still run through the models (`clean_fields`: lengths, choices, phone
validators) and the agreement rules through `Agreement.village_taken_error` / `check_advisor_limit` against the
agreements in memory; the import's own audit event records the counts (bulk writes skip the per-row trail).
"""

import copy
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from accounts.models import PasswordState, Profile, Role
from advisors.models import Advisor, Agreement, Firm
from villages.models import Bureau, Township, Village


def clone(obj: models.Model) -> models.Model:
    """A copy to change and check without touching the original (nor its cache of related objects)."""
    new = copy.copy(obj)
    new._state = copy.copy(obj._state)
    new._state.fields_cache = dict(obj._state.fields_cache)
    return new


@dataclass
class NewAccount:
    user: Any
    role: Role
    full_name: str


@dataclass
class RosterState:
    bureau: Bureau
    townships: dict[str, Township] = field(default_factory=dict)  # by code
    township_names: dict[str, Township] = field(default_factory=dict)
    villages: dict[str, Village] = field(default_factory=dict)  # by code
    village_names: dict[tuple[str, str], Village] = field(default_factory=dict)  # (township name, name)
    firms: dict[str, Firm] = field(default_factory=dict)  # by name
    advisors: dict[str, Advisor] = field(default_factory=dict)  # by licence number
    agreements: dict[tuple[str, str, Any], Agreement] = field(
        default_factory=dict
    )  # (licence, village code, start)
    binding_by_village: dict[str, list[Agreement]] = field(default_factory=lambda: defaultdict(list))
    binding_by_advisor: dict[str, list[Agreement]] = field(default_factory=lambda: defaultdict(list))
    foreign: dict[str, set[str]] = field(default_factory=dict)  # codes and licences other bureaus hold
    taken_usernames: set[str] = field(default_factory=set)
    refusals: dict[tuple[int, int], str | None] = field(default_factory=dict)
    # What to write: new objects in order, and changed ones (by identity) with the fields that changed.
    created: dict[type, list] = field(default_factory=lambda: defaultdict(list))
    changed: dict[type, dict[int, tuple[models.Model, set[str]]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    accounts: list[NewAccount] = field(default_factory=list)
    renamed_liaisons: list[tuple[Any, str]] = field(default_factory=list)

    @classmethod
    def load(cls, bureau: Bureau, *, township_codes, village_codes, licences, usernames) -> "RosterState":
        state = cls(bureau=bureau)
        for township in Township.objects.filter(bureau=bureau):
            state.townships[township.code] = state.township_names[township.name] = township
        villages = Village.objects.filter(township__bureau=bureau).select_related(
            "township", "liaison__profile"
        )
        for village in villages:
            state.villages[village.code] = village
            state.village_names[(village.township.name, village.name)] = village
        state.firms = {firm.name: firm for firm in Firm.objects.filter(bureau=bureau)}
        advisors = Advisor.objects.filter(bureau=bureau).select_related("firm", "user")
        state.advisors = {advisor.licence_number: advisor for advisor in advisors}
        by_pk = {a.pk: a for a in state.advisors.values()}
        village_by_pk = {v.pk: v for v in state.villages.values()}
        for agreement in Agreement.objects.filter(village__township__bureau=bureau):
            agreement.advisor, agreement.village = (
                by_pk[agreement.advisor_id],
                village_by_pk[agreement.village_id],
            )
            state._index_agreement(agreement)
        state.foreign = {
            "township": set(
                Township.objects.filter(code__in=township_codes)
                .exclude(bureau=bureau)
                .values_list("code", flat=True)
            ),
            "village": set(
                Village.objects.filter(code__in=village_codes)
                .exclude(township__bureau=bureau)
                .values_list("code", flat=True)
            ),
            "advisor": set(
                Advisor.objects.filter(licence_number__in=licences)
                .exclude(bureau=bureau)
                .values_list("licence_number", flat=True)
            ),
        }
        state.taken_usernames = set(
            get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
        )
        return state

    # --- the rows' changes ---

    def _index_agreement(self, agreement: Agreement) -> None:
        key = (agreement.advisor.licence_number, agreement.village.code, agreement.start_date)
        self.agreements[key] = agreement
        if agreement.status != Agreement.Status.DRAFT:
            self.binding_by_village[agreement.village.code].append(agreement)
            self.binding_by_advisor[agreement.advisor.licence_number].append(agreement)

    def add(self, obj: models.Model) -> None:
        self.created[type(obj)].append(obj)
        if isinstance(obj, Township):
            self.townships[obj.code] = self.township_names[obj.name] = obj
        elif isinstance(obj, Village):
            self.villages[obj.code] = obj
            self.village_names[(obj.township.name, obj.name)] = obj
        elif isinstance(obj, Firm):
            self.firms[obj.name] = obj
        elif isinstance(obj, Advisor):
            self.advisors[obj.licence_number] = obj
        elif isinstance(obj, Agreement):
            self._index_agreement(obj)

    def change(self, old: models.Model, new: models.Model, fields: set[str]) -> None:
        """`new` (a copy of `old` with `fields` changed, already checked) is copied into `old`, so that every row
        holding `old` (an agreement's village, a village's township) sees the change."""
        if isinstance(old, Township):
            self.township_names.pop(old.name, None)
        elif isinstance(old, Village):
            self.village_names.pop((old.township.name, old.name), None)
        elif isinstance(old, Agreement):
            for group in (
                self.binding_by_village[old.village.code],
                self.binding_by_advisor[old.advisor.licence_number],
            ):
                if old in group:
                    group.remove(old)
        old.__dict__.update(new.__dict__)
        if not old._state.adding:  # a row created earlier in this workbook is inserted as it ends up
            _obj, before = self.changed[type(old)].get(id(old), (None, set()))
            self.changed[type(old)][id(old)] = (old, before | fields)
        if isinstance(old, Township):
            self.townships[old.code] = self.township_names[old.name] = old
        elif isinstance(old, Village):
            self.villages[old.code] = old
            self.village_names[(old.township.name, old.name)] = old
        elif isinstance(old, Agreement):
            self._index_agreement(old)

    def new_account(self, *, username: str, role: Role, full_name: str):
        # Unusable until the login slips set a first one: what set_unusable_password() stores, without its
        # get_random_string (a tenth of a city's import time).
        user = get_user_model()(
            username=username, password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
        )
        self.taken_usernames.add(username)
        self.accounts.append(NewAccount(user, role, full_name))
        return user

    def renewal_refusal(self, advisor: Advisor, year: int) -> str | None:
        if advisor.pk is None:
            return None  # a new advisor has no review yet
        key = (advisor.pk, year)
        if key not in self.refusals:
            from assessment.services import renewal_refusal

            self.refusals[key] = renewal_refusal(advisor, year)
        return self.refusals[key]

    # --- writing it all ---

    @transaction.atomic
    def write(self) -> list[int]:
        """Insert and update in bulk, parents first; returns the new accounts' ids."""
        User = get_user_model()
        users = User.objects.bulk_create([a.user for a in self.accounts], batch_size=1000)
        groups = {
            role: Group.objects.get_or_create(name=str(role.label))[0]
            for role in {a.role for a in self.accounts}
        }
        Profile.objects.bulk_create(
            [
                Profile(user=a.user, role=a.role, bureau=self.bureau, full_name=a.full_name)
                for a in self.accounts
            ],
            batch_size=1000,
        )
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=a.user.pk, group_id=groups[a.role].pk) for a in self.accounts],
            batch_size=1000,
        )
        # Temporary until the login slips give each one a first password, which must be changed (accounts.security).
        now = timezone.now()
        PasswordState.objects.bulk_create(
            [PasswordState(user=user, changed_at=now, must_change=True) for user in users], batch_size=1000
        )
        for user, full_name in self.renamed_liaisons:
            Profile.objects.filter(user=user).update(full_name=full_name)
        for model in (Township, Firm, Village, Advisor, Agreement):
            for obj in self.created[model]:
                obj._prepare_related_fields_for_save(operation_name="bulk_create")
            model.objects.bulk_create(self.created[model], batch_size=1000)
            changed = list(self.changed[model].values())
            for fields in {frozenset(f) for _obj, f in changed}:
                objs = [obj for obj, f in changed if frozenset(f) == fields]
                for obj in objs:
                    obj._prepare_related_fields_for_save(operation_name="bulk_update")
                model.objects.bulk_update(objs, sorted(fields), batch_size=1000)
        from publicity.cache import bump

        transaction.on_commit(bump)
        return [user.pk for user in users]
