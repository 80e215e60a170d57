"""Coarse locations: geohash cells (~5 km), great-circle distances and distance buckets.

Members' locations are only ever stored as a cell; distances between members are computed
between cell centres and shown as buckets, so nobody can trilaterate anyone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dinner1.core.text import N_

_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
# Precision 5 is a 4.9 km × 4.9 km cell at the equator (narrower east-west further north).
MEMBER_CELL_PRECISION = 5
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Cell:
    geohash: str
    lat: float
    lon: float


def encode(lat: float, lon: float, precision: int = MEMBER_CELL_PRECISION) -> str:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("latitude must be within ±90 and longitude within ±180")
    lat_range, lon_range = [-90.0, 90.0], [-180.0, 180.0]
    chars: list[str] = []
    bits, even, value = 0, True, 0
    while len(chars) < precision:
        rng, coordinate = (lon_range, lon) if even else (lat_range, lat)
        middle = (rng[0] + rng[1]) / 2
        value <<= 1
        if coordinate >= middle:
            value |= 1
            rng[0] = middle
        else:
            rng[1] = middle
        even = not even
        bits += 1
        if bits == 5:
            chars.append(_BASE32[value])
            bits, value = 0, 0
    return "".join(chars)


def decode(geohash: str) -> tuple[float, float]:
    """Centre of the cell."""
    lat_range, lon_range = [-90.0, 90.0], [-180.0, 180.0]
    even = True
    for char in geohash:
        value = _BASE32.index(char)
        for shift in range(4, -1, -1):
            rng = lon_range if even else lat_range
            middle = (rng[0] + rng[1]) / 2
            if (value >> shift) & 1:
                rng[0] = middle
            else:
                rng[1] = middle
            even = not even
    return (lat_range[0] + lat_range[1]) / 2, (lon_range[0] + lon_range[1]) / 2


def snap(lat: float, lon: float, precision: int = MEMBER_CELL_PRECISION) -> Cell:
    """The cell a point falls in; the point itself is not kept."""
    geohash = encode(lat, lon, precision)
    centre_lat, centre_lon = decode(geohash)
    return Cell(geohash, round(centre_lat, 5), round(centre_lon, 5))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def distances_km(
    lat: float, lon: float, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """`distance_km` from one point to many (float64 arrays of degrees)."""
    phi1 = math.radians(lat)
    phi2 = np.radians(lats)
    d_phi = phi2 - phi1
    d_lambda = np.radians(lons - lon)
    a = np.sin(d_phi / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(d_lambda / 2) ** 2
    result: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))
    return result


# (upper bound km, key, label). Buckets are wider than a cell, so they reveal no more.
DISTANCE_BUCKETS = (
    (5.0, "under_5_km", N_("under 5 km")),
    (10.0, "5_10_km", N_("5 to 10 km")),
    (25.0, "10_25_km", N_("10 to 25 km")),
    (50.0, "25_50_km", N_("25 to 50 km")),
    (100.0, "50_100_km", N_("50 to 100 km")),
    (math.inf, "over_100_km", N_("more than 100 km")),
)


def distance_bucket(km: float) -> tuple[str, str]:
    """(stable key, English label) of the bucket a distance falls in."""
    for upper, key, label in DISTANCE_BUCKETS:
        if km < upper:
            return key, label
    return DISTANCE_BUCKETS[-1][1], DISTANCE_BUCKETS[-1][2]


_BUCKET_MIDPOINTS = {
    "under_5_km": 2.5,
    "5_10_km": 7.5,
    "10_25_km": 17.5,
    "25_50_km": 37.5,
    "50_100_km": 75.0,
    "over_100_km": 150.0,
}


def bucketed_km(km: float) -> float:
    """A distance reduced to its bucket's midpoint. Anything a member can see that depends
    on distance (a score, a breakdown) is computed from this, so it cannot be inverted
    into a precise distance."""
    return _BUCKET_MIDPOINTS[distance_bucket(km)[0]]


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing a circle: a cheap SQL pre-filter."""
    d_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    d_lon = math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat))
    return lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon
