"""Prepayment of bookings through a payment provider.

Only a simulated provider exists so far: it accepts every capture and refund and hands
back a reference, so the booking rules (prepay, refund, fee, payout) are exercised end
to end. A real provider (a Moroccan acquirer, Stripe…) plugs in behind these two calls;
until then no money moves and the product says so on the booking pages.
"""

from __future__ import annotations

import logging
import secrets

logger = logging.getLogger(__name__)
PROVIDER = "simulated"


def capture(amount_minor: int, currency: str) -> str:
    if amount_minor < 0:
        raise ValueError("a capture is never negative")
    reference = f"sim_{secrets.token_hex(12)}"
    logger.info(
        "payment captured",
        extra={"provider": PROVIDER, "reference": reference, "currency": currency},
    )
    return reference


def refund(reference: str, amount_minor: int, currency: str) -> None:
    if amount_minor <= 0:
        raise ValueError("a refund is positive")
    logger.info(
        "payment refunded",
        extra={"provider": PROVIDER, "reference": reference, "currency": currency},
    )
