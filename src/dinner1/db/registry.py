"""Every module that defines tables, so metadata is complete for Alembic and tests."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

MODEL_MODULES = (
    "dinner1.tenants.models",
    "dinner1.accounts.models",
    "dinner1.mail.models",
    "dinner1.profiles.models",
    "dinner1.matching.models",
    "dinner1.safety.models",
    "dinner1.venues.models",
    "dinner1.deals.models",
    "dinner1.bookings.models",
    "dinner1.privacy.models",
)


def load_metadata() -> MetaData:
    for module in MODEL_MODULES:
        importlib.import_module(module)
    from dinner1.db.base import Base

    return Base.metadata
