"""Cities Dinner1 serves, with a centre point and time zone: the one list every domain
uses (profiles, venues, prayer times). Keys are stable."""

from __future__ import annotations

from dataclasses import dataclass

from dinner1.core.text import N_


@dataclass(frozen=True)
class City:
    key: str
    label: str
    lat: float
    lon: float
    timezone: str = "Africa/Casablanca"
    country: str = "MA"


CITIES = (
    City("casablanca", N_("Casablanca"), 33.5731, -7.5898),
    City("rabat", N_("Rabat"), 34.0209, -6.8416),
    City("marrakech", N_("Marrakech"), 31.6295, -7.9811),
    City("fes", N_("Fes"), 34.0331, -5.0003),
    City("tangier", N_("Tangier"), 35.7595, -5.8340),
    City("agadir", N_("Agadir"), 30.4278, -9.5981),
    City("meknes", N_("Meknes"), 33.8935, -5.5473),
    City("oujda", N_("Oujda"), 34.6814, -1.9086),
    City("tetouan", N_("Tetouan"), 35.5889, -5.3626),
    City("kenitra", N_("Kenitra"), 34.2610, -6.5802),
    City("el-jadida", N_("El Jadida"), 33.2316, -8.5007),
    City("essaouira", N_("Essaouira"), 31.5085, -9.7595),
    City("chefchaouen", N_("Chefchaouen"), 35.1688, -5.2636),
    City("ouarzazate", N_("Ouarzazate"), 30.9189, -6.8934),
    City("laayoune", N_("Laayoune"), 27.1536, -13.2033, "Africa/El_Aaiun"),
)
CITY_BY_KEY = {city.key: city for city in CITIES}
# Spellings members and owners actually type, after case and accents are folded.
CITY_ALIASES = {
    "casa": "casablanca",
    "marrakesh": "marrakech",
    "fez": "fes",
    "tanger": "tangier",
    "tanja": "tangier",
    "tetuan": "tetouan",
    "eljadida": "el-jadida",
    "el jadida": "el-jadida",
}
