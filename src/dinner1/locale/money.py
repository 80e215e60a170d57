"""Approximate conversions between the currencies members see (configurable rates)."""

from __future__ import annotations

from babel import numbers


def convert_minor(amount_minor: int, source: str, target: str, rates: dict[str, float]) -> int:
    """Integer minor units in `source` → approximately the same value in `target`."""
    if source == target:
        return amount_minor
    if source not in rates or target not in rates:
        raise ValueError(f"no exchange rate for {source} or {target}")
    source_digits = numbers.get_currency_precision(source)
    target_digits = numbers.get_currency_precision(target)
    in_reference = amount_minor / 10**source_digits * rates[source]
    converted: float = in_reference / rates[target] * 10**target_digits
    return round(converted)
