"""What can be reported and how serious each category is.

Severity orders the moderators' queue (4 = crisis … 1 = low). Threats, underage members,
sexual coercion and crises are urgent: they jump the queue and alert moderators at once.
"""

from __future__ import annotations

from typing import Literal, get_args

from dinner1.core.text import N_

Category = Literal[
    "harassment",
    "threats",
    "inappropriate_photos",
    "scam",
    "fake_profile",
    "underage",
    "sexual_coercion",
    "crisis",
    "other",
]
SubjectType = Literal["member", "message", "revelation", "photo", "venue", "review"]
CATEGORIES: tuple[str, ...] = get_args(Category)
SUBJECT_TYPES: tuple[str, ...] = get_args(SubjectType)

SEVERITY: dict[str, int] = {
    "crisis": 4,
    "threats": 3,
    "underage": 3,
    "sexual_coercion": 3,
    "scam": 2,
    "harassment": 2,
    "inappropriate_photos": 2,
    "fake_profile": 2,
    "other": 1,
}
URGENT_SEVERITY = 3
CATEGORY_LABELS: dict[str, str] = {
    "harassment": N_("Harassment"),
    "threats": N_("Threats"),
    "inappropriate_photos": N_("Inappropriate photos"),
    "scam": N_("Scam or money request"),
    "fake_profile": N_("Fake profile"),
    "underage": N_("Under 18"),
    "sexual_coercion": N_("Sexual harassment or coercion"),
    "crisis": N_("Someone may be in danger"),
    "other": N_("Something else"),
}
SUBJECT_LABELS: dict[str, str] = {
    "member": N_("member"),
    "message": N_("message"),
    "revelation": N_("revelation"),
    "photo": N_("photo"),
    "venue": N_("venue"),
    "review": N_("review"),
}
# What the classifier's labels mean as a report category, strongest first.
_LABEL_CATEGORIES = (
    ("self_harm", "crisis"),
    ("threat", "threats"),
    ("sexual_harassment", "sexual_coercion"),
    ("scam", "scam"),
    ("hate", "harassment"),
    ("insult", "harassment"),
)


def category_for_labels(labels: tuple[str, ...] | list[str]) -> str:
    """The report category for a classifier verdict (its strongest label)."""
    found = {str(label) for label in labels}
    return next((category for label, category in _LABEL_CATEGORIES if label in found), "other")
