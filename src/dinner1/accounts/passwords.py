"""Password rules (NIST 800-63B style: length and a deny list, no composition rules)."""

from __future__ import annotations

from dinner1.config import SecuritySettings
from dinner1.core.errors import ValidationFailed
from dinner1.locale.service import gettext as _

# Passwords that top every leaked-password list; refused whatever their length.
_COMMON = frozenset(
    """password password1 password123 123456789 1234567890 12345678910 qwertyuiop
    azertyuiop iloveyou123 motdepasse motdepasse1 1q2w3e4r5t qwerty12345 abcdefghij
    0123456789 0987654321 1111111111 aaaaaaaaaa passw0rd123 welcome123 dinner1dinner1
    bismillah1 marrakech1 casablanca rabat12345 admin12345 letmein123 football123""".split()
)


def check_new_password(password: str, settings: SecuritySettings, *, email: str) -> None:
    problems: list[str] = []
    if len(password) < settings.password_min_length:
        problems.append(_("Use at least %(n)s characters.") % {"n": settings.password_min_length})
    if len(password) > settings.password_max_length:
        problems.append(_("Use at most %(n)s characters.") % {"n": settings.password_max_length})
    lowered = password.lower()
    if lowered in _COMMON or len(set(password)) < 4:
        problems.append(_("This password is too easy to guess."))
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        problems.append(_("Do not put your email address in your password."))
    if problems:
        raise ValidationFailed(
            " ".join(problems),
            errors=[
                {"loc": ["body", "password"], "msg": msg, "type": "password_policy"}
                for msg in problems
            ],
        )
