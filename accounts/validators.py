"""The password policy (等保 level 3): at least 10 characters of three of the four classes, not a common password, not
like the user's name; every message in Chinese. Named in settings.AUTH_PASSWORD_VALIDATORS."""

import string

from django.conf import settings
from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self):
        return _("密码长度太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("密码至少 %(min_length)d 个字符。") % {"min_length": self.min_length}


CHARACTER_CLASSES = (
    (_("大写字母"), set(string.ascii_uppercase)),
    (_("小写字母"), set(string.ascii_lowercase)),
    (_("数字"), set(string.digits)),
)


def character_classes(password: str) -> int:
    """How many of the four classes (upper case, lower case, digit, symbol) the password uses."""
    used = sum(1 for _label, chars in CHARACTER_CLASSES if chars & set(password))
    # A symbol is anything else: punctuation, spaces, Chinese characters.
    if any(not (c.isascii() and c.isalnum()) for c in password):
        used += 1
    return used


class CharacterClassesValidator:
    """Three of the four classes: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_error_message(), code="password_too_simple")

    def get_error_message(self):
        return _("密码须包含大写字母、小写字母、数字、符号四类中的至少 %(n)d 类。") % {"n": self.min_classes}

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes}


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, also against the password stripped of its symbols and of its
    digits and symbols: Password123! and Admin@2026 meet the classes but are the first ones tried."""

    def validate(self, password, user=None):
        lowered = password.lower().strip()
        alphanumeric = "".join(c for c in lowered if c.isalnum())
        letters = "".join(c for c in lowered if c.isalpha())
        for candidate in (lowered, alphanumeric, letters if len(letters) >= 4 else ""):
            if candidate and candidate in self.passwords:
                raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_error_message(self):
        return _("这个密码太常见了，请换一个不易猜到的密码。")

    def get_help_text(self):
        return _("不能使用常见密码。")


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        super().validate(password, user)
        # The username inside a longer password (Zhangwei@2026 for zhangwei) escapes the similarity ratio.
        username = (getattr(user, "username", "") or "").lower() if user else ""
        if len(username) >= 4 and username in password.lower():
            raise ValidationError(self.get_error_message(), code="password_too_similar")

    def get_error_message(self):
        return _("密码与用户名或个人信息太相似。")

    def get_help_text(self):
        return _("密码不能与用户名或个人信息相似。")


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self):
        return _("密码只包含数字。")

    def get_help_text(self):
        return _("密码不能全是数字。")


class PasswordAgeValidator:
    """Not a check: Django tells every validator when a user's password has been saved, whatever the page (one's
    own password page, the admin site's, a reset link). The password's 90 days count from then; where an admin set
    it, their page marks it temporary right after (accounts.security.password_set_by_admin)."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            from .security import password_set_by_user

            password_set_by_user(user=user)

    def get_help_text(self):
        days = settings.PASSWORD_MAX_AGE_DAYS
        return _("密码每 %(days)d 天须更换一次。") % {"days": days} if days else _("请妥善保管密码。")
