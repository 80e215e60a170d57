from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dinner1.locale import calendar
from dinner1.locale.prayer import (
    CITIES,
    after_maghrib_window,
    city_named,
    overlaps_prayer,
    prayer_times,
    prayers_during,
    resolve_place,
)

CASABLANCA = ZoneInfo("Africa/Casablanca")

# The Habous ministry's published timetable for Casablanca (its city 80), 2021, as
# reproduced in github.com/ZakariaMahmoud/Morocco-Prayer-Times-API, files 2021/80/<month>.json
# at commit bb49a4bbe619e9dbcbc702f152afb882351b594c ("From the Ministry of Endowments and
# Islamic Affairs in Morocco habous.gov.ma"). The days avoid 2021-04-11..05-16, when
# Morocco's legal time was UTC+0 and that copy still reads UTC+1.
# (fajr, sunrise, dhuhr, asr, maghrib, isha), local legal time (UTC+1).
HABOUS_CASABLANCA_2021 = {
    date(2021, 1, 1): ("07:01", "08:31", "13:39", "16:16", "18:38", "19:58"),
    date(2021, 3, 20): ("06:06", "07:31", "13:43", "17:06", "19:47", "21:01"),
    date(2021, 4, 5): ("05:42", "07:09", "13:38", "17:08", "19:59", "21:14"),
    date(2021, 6, 21): ("04:30", "06:17", "13:38", "17:17", "20:49", "22:21"),
    date(2021, 9, 22): ("05:50", "07:15", "13:28", "16:50", "19:32", "20:45"),
    date(2021, 12, 15): ("06:53", "08:24", "13:31", "16:06", "18:29", "19:48"),
}
# Same source, readme example for Rabat-Salé (city 69), 2021-03-25.
HABOUS_RABAT_2021_03_25 = ("05:55", "07:21", "13:38", "17:03", "19:47", "21:02")
FIELDS = ("fajr", "sunrise", "dhuhr", "asr", "maghrib", "isha")


def minutes_apart(computed: datetime, day: date, published: str) -> float:
    hour, minute = (int(part) for part in published.split(":"))
    reference = datetime(day.year, day.month, day.day, hour, minute, tzinfo=CASABLANCA)
    return abs((computed - reference).total_seconds()) / 60


@pytest.mark.parametrize("day", sorted(HABOUS_CASABLANCA_2021))
def test_casablanca_matches_the_habous_timetable_within_two_minutes(day: date) -> None:
    times = prayer_times("Casablanca", day)
    for field, published in zip(FIELDS, HABOUS_CASABLANCA_2021[day], strict=True):
        assert minutes_apart(getattr(times, field), day, published) <= 2, (field, published)


def test_rabat_matches_the_habous_timetable_within_two_minutes() -> None:
    day = date(2021, 3, 25)
    times = prayer_times("rabat", day)
    for field, published in zip(FIELDS, HABOUS_RABAT_2021_03_25, strict=True):
        assert minutes_apart(getattr(times, field), day, published) <= 2, field


def test_times_are_aware_in_the_venue_zone_and_in_order() -> None:
    times = prayer_times(CITIES["marrakech"], date(2026, 7, 30))
    moments = [getattr(times, field) for field in FIELDS]
    assert all(moment.tzinfo is not None for moment in moments)
    assert moments == sorted(moments)
    assert moments[0].utcoffset() == timedelta(hours=1)


def test_ramadan_switch_to_utc_plus_zero_moves_the_clock_not_the_sun() -> None:
    # tzdata puts Morocco on UTC+0 from 2026-02-15 03:00 to 2026-03-22 02:00 (Ramadan).
    before, during = date(2026, 2, 14), date(2026, 2, 15)
    maghrib_before = prayer_times("casablanca", before).maghrib
    maghrib_during = prayer_times("casablanca", during).maghrib
    assert maghrib_before.utcoffset() == timedelta(hours=1)
    assert maghrib_during.utcoffset() == timedelta(0)
    shift = maghrib_during.astimezone(UTC) - maghrib_before.astimezone(UTC) - timedelta(days=1)
    assert abs(shift) <= timedelta(minutes=2)  # the sun sets about a minute later
    wall_clock = (maghrib_during.hour * 60 + maghrib_during.minute) - (
        maghrib_before.hour * 60 + maghrib_before.minute
    )
    assert -61 <= wall_clock <= -57


def test_back_to_utc_plus_one_after_ramadan_2027() -> None:
    last_utc0, first_utc1 = date(2027, 3, 13), date(2027, 3, 14)
    assert prayer_times("rabat", last_utc0).dhuhr.utcoffset() == timedelta(0)
    assert prayer_times("rabat", first_utc1).dhuhr.utcoffset() == timedelta(hours=1)


def test_places_resolve_from_names_aliases_and_coordinates() -> None:
    assert city_named("Fès") is CITIES["fes"]
    assert city_named(" TANGER ") is CITIES["tangier"]
    assert resolve_place((31.63, -8.0)).timezone == "Africa/Casablanca"
    with pytest.raises(KeyError):
        city_named("Atlantis")
    with pytest.raises(ValueError, match="latitude"):
        resolve_place((95.0, 0.0))
    east, west = prayer_times("oujda", date(2026, 5, 1)), prayer_times("agadir", date(2026, 5, 1))
    assert east.dhuhr < west.dhuhr  # the sun crosses Oujda's meridian first


def test_overlaps_prayer_finds_the_prayer_and_its_margin() -> None:
    day = date(2026, 4, 15)
    maghrib = prayer_times("casablanca", day).maghrib
    assert overlaps_prayer(maghrib - timedelta(hours=1), maghrib + timedelta(minutes=1), "casa")
    after = maghrib + timedelta(minutes=25)
    assert not overlaps_prayer(after, after + timedelta(minutes=30), "casablanca")
    assert overlaps_prayer(after, after + timedelta(minutes=30), "casablanca", margin_minutes=30)
    before = maghrib - timedelta(minutes=40)
    assert not overlaps_prayer(before, maghrib - timedelta(minutes=5), "casablanca")
    assert overlaps_prayer(before, maghrib - timedelta(minutes=5), "casablanca", lead_minutes=10)
    names = [name for name, _ in prayers_during(maghrib, maghrib + timedelta(hours=4), "casa")]
    assert names == ["maghrib", "isha"]


def test_overlaps_prayer_handles_slots_across_midnight_and_rejects_naive_times() -> None:
    fajr = prayer_times("fes", date(2026, 6, 2)).fajr
    late = datetime(2026, 6, 1, 23, 0, tzinfo=CASABLANCA)
    assert overlaps_prayer(late, fajr + timedelta(minutes=5), "fes")
    assert not overlaps_prayer(late, late + timedelta(hours=1), "fes")
    with pytest.raises(ValueError, match="aware"):
        overlaps_prayer(datetime(2026, 6, 1, 12), datetime(2026, 6, 1, 13), "fes")  # noqa: DTZ001


def test_after_maghrib_and_iftar_windows_start_at_maghrib() -> None:
    day = date(2026, 3, 1)
    maghrib = prayer_times("casablanca", day).maghrib
    window = after_maghrib_window("casablanca", day, delay_minutes=15, duration_minutes=90)
    assert window.start == maghrib + timedelta(minutes=15)
    assert window.end - window.start == timedelta(minutes=90)
    iftar = calendar.iftar_window("casablanca", day)
    assert iftar.start == maghrib
    assert iftar.contains(maghrib + timedelta(minutes=30))
    suhoor = calendar.suhoor_window("casablanca", day)
    fajr = prayer_times("casablanca", day).fajr
    assert suhoor.end == fajr - timedelta(minutes=10)
    assert suhoor.start.date() == day and suhoor.start.hour < 4


def test_umm_al_qura_ramadan_2026_and_2027() -> None:
    assert calendar.umm_al_qura_month(1447, 9) == (date(2026, 2, 18), date(2026, 3, 19))
    assert calendar.umm_al_qura_month(1448, 9) == (date(2027, 2, 8), date(2027, 3, 8))
    saudi = calendar.ramadan_period(1447, "SA")
    assert (saudi.first_day, saudi.days) == (date(2026, 2, 18), 30)


def test_moroccan_ramadan_uses_announcements_then_the_offset() -> None:
    ramadan_2026 = calendar.ramadan_starting_in(2026)
    # The ministry announced Thursday 19 February 2026, a day after Umm al-Qura.
    assert ramadan_2026.first_day == date(2026, 2, 19)
    assert ramadan_2026.first_day_announced
    assert not ramadan_2026.last_day_announced
    assert 29 <= ramadan_2026.days <= 30
    ramadan_2027 = calendar.ramadan_starting_in(2027)
    assert ramadan_2027.first_day == date(2027, 2, 9)  # Umm al-Qura + 1 day, not announced
    assert ramadan_2027.last_day == date(2027, 3, 9)
    assert calendar.ramadan_period(1448, "MA", offset_days=0).first_day == date(2027, 2, 8)
    past = calendar.ramadan_starting_in(2025)
    assert (past.first_day, past.last_day) == (date(2025, 3, 2), date(2025, 3, 30))


def test_is_ramadan_and_years_with_two_ramadans() -> None:
    assert not calendar.is_ramadan(date(2026, 2, 18))
    assert calendar.is_ramadan(date(2026, 2, 19))
    assert calendar.is_ramadan(date(2027, 3, 1))
    assert not calendar.is_ramadan(date(2027, 7, 1))
    assert len(calendar.ramadan_periods_in(2030)) == 2


def test_moroccan_holidays_in_three_languages() -> None:
    assert calendar.is_holiday(date(2026, 7, 30))
    assert calendar.holiday_name(date(2026, 7, 30), "en") == "Throne Day"
    assert calendar.holiday_name(date(2026, 7, 30), "fr") == "Fête du Trône"
    assert calendar.holiday_name(date(2026, 7, 30), "ar") == "عيد العرش"
    assert calendar.holiday_name(date(2026, 11, 18)) == "Independence Day"
    assert calendar.is_holiday(date(2027, 11, 18))
    assert not calendar.is_holiday(date(2026, 7, 29))
    assert calendar.holiday_name(date(2026, 7, 29)) is None


def test_eid_al_fitr_follows_the_moroccan_ramadan() -> None:
    ramadan = calendar.ramadan_starting_in(2026)
    eid = [h for h in calendar.moroccan_holidays(2026) if h.name == "Eid al-Fitr"]
    assert [holiday.day for holiday in eid] == [
        ramadan.eid_al_fitr,
        ramadan.eid_al_fitr + timedelta(days=1),
    ]
    assert all(holiday.islamic and holiday.estimated for holiday in eid)
    assert not calendar.is_ramadan(ramadan.eid_al_fitr)
    assert calendar.holiday_name(ramadan.eid_al_fitr, "fr") == "Fête de la rupture du jeûne"
    # Announced years: Eid al-Fitr 1445 was Wednesday 10 April 2024 in Morocco.
    assert calendar.holiday_name(date(2024, 4, 10)) == "Eid al-Fitr"
    assert not calendar.holidays_on(date(2024, 4, 10))[0].estimated


def test_other_islamic_feasts_move_by_the_moroccan_offset() -> None:
    # Eid al-Adha 2025 was Saturday 7 June in Morocco, Umm al-Qura's 10 Dhu al-Hijjah + 1.
    assert calendar.holiday_name(date(2025, 6, 7)) == "Eid al-Adha"
    assert calendar.holiday_name(date(2025, 6, 9)) is None
    civic = calendar.holidays_on(date(2026, 1, 11))[0]
    assert not civic.islamic and not civic.estimated
