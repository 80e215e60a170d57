"""The dashboard's charts as data: one JSON document drawn by static/js/venue.js, and the
same numbers as rows for the tables shown without JavaScript and to screen readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates, numbers

from dinner1.bookings.demand import DEAD_BELOW, DeadSlot, Outlook
from dinner1.locale import service as i18n
from dinner1.locale.service import gettext as _


def weekday_names() -> list[str]:
    """Monday first, abbreviated, in the page's language."""
    names = dates.get_day_names(
        "abbreviated", locale=i18n.FORMAT_LOCALES[i18n.current_locale.get()]
    )
    return [str(names[weekday]) for weekday in range(7)]


def clock(hour: int) -> str:
    return f"{hour % 24:02d}:00"


def percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


def percent_text(share: float) -> str:
    """0.4 → "40%" ("40 %" in French), for sentences that name a share."""
    locale = i18n.FORMAT_LOCALES[i18n.current_locale.get()]
    return numbers.format_percent(round(share, 2), locale=locale)


@dataclass(frozen=True, slots=True)
class ForecastRow:
    label: str
    occupancy_percent: int
    expected_covers: float
    dead: bool
    basis: str


@dataclass(frozen=True, slots=True)
class DealRow:
    """A recommended deal, with what the deals page needs to prefill its form."""

    day: date
    day_label: str
    start: str
    end: str
    occupancy_percent: int
    discount_percent: int
    expected_extra_covers: float
    reasoning: str


def _when(day: date, hour: int, timezone: str) -> str:
    moment = datetime.combine(day, time(hour), tzinfo=ZoneInfo(timezone))
    return i18n.format_datetime(moment, timezone, format="EEE d MMM, HH:mm")


def forecast_rows(outlook: Outlook, timezone: str) -> list[ForecastRow]:
    return [
        ForecastRow(
            label=_when(hour.day, hour.hour, timezone),
            occupancy_percent=round(hour.occupancy * 100),
            expected_covers=round(hour.expected_covers, 1),
            dead=hour.occupancy < DEAD_BELOW,
            basis=hour.basis,
        )
        for hour in outlook.forecast
    ]


def deal_rows(slots: list[DeadSlot]) -> list[DealRow]:
    return [
        DealRow(
            day=slot.day,
            day_label=i18n.format_date(slot.day, format="full"),
            start=clock(slot.start_hour),
            end=clock(slot.end_hour),
            occupancy_percent=round(slot.occupancy * 100),
            discount_percent=slot.discount_percent,
            expected_extra_covers=slot.expected_extra_covers,
            reasoning=slot.reasoning,
        )
        for slot in slots
    ]


# Recommended deals shown at once; the rest of the week waits behind one click.
LEADING_DEALS = 6


def ranked_deals(rows: list[DealRow]) -> tuple[list[DealRow], list[DealRow]]:
    """The slots that would bring the most guests first; the others by day and hour."""
    ranked = sorted(rows, key=lambda row: row.expected_extra_covers, reverse=True)
    rest = sorted(ranked[LEADING_DEALS:], key=lambda row: (row.day, row.start))
    return ranked[:LEADING_DEALS], rest


def heatmap_rows(outlook: Outlook) -> list[tuple[str, list[int | None]]]:
    names = weekday_names()
    return [
        (names[weekday], [percent(value) for value in values])
        for weekday, values in enumerate(outlook.heatmap.values)
    ]


def chart_data(outlook: Outlook, forecast: list[ForecastRow]) -> dict[str, Any]:
    """What venue.js draws; every label is already in the page's language."""
    heatmap = outlook.heatmap
    return {
        "heatmap": {
            "x": [clock(hour) for hour in heatmap.hours],
            "y": weekday_names(),
            "z": [[percent(value) for value in row] for row in heatmap.values],
            "colorbar": _("Occupancy, in percent"),
        },
        "forecast": {
            "x": [row.label for row in forecast],
            "y": [row.occupancy_percent for row in forecast],
            "dead": [row.dead for row in forecast],
            "threshold": round(DEAD_BELOW * 100),
            "axis": _("Forecast occupancy, in percent"),
            "dead_label": _("Dead hour"),
            "busy_label": _("Expected demand"),
        },
        "rtl": i18n.text_direction() == "rtl",
    }
