"""Retrieval of candidates: an HNSW graph (usearch) per partition, with each member's
hard-filter facts kept beside their vector.

Partitions: (gender bit, geohash-3 region ≈ 156 km). A member's search covers the
partitions of the genders they seek, in the regions their radius reaches.

A search plans like a database would. The facts (age and age range, distance, religion,
children, smoking, drinking: both ways) rule out in numpy everyone the hard filters
would reject. When few members remain, they are ranked exactly, by brute-force cosine
over their vectors: cheaper than a graph walk, and exact. When many remain, the graph is
walked deep enough for the pass rate seen, and its hits are filtered by the same facts.

The facts are a filter, never the authority: SQL applies every rule again to the short
list (a member banned, paused or blocked since is dropped there).

Keys are dense integers, increasing in insertion order, so a partition finds the slot of
a key by binary search. A member who changes is written to a new slot; the old one is
marked dead until the next rebuild.
"""

from __future__ import annotations

import json
import math
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

# Before usearch, always: usearch carries a static C++ runtime whose locale tables clash
# with onnxruntime's, and importing onnxruntime after it crashes the process. Embeddings
# run on onnxruntime in this same process (matching.embeddings).
import onnxruntime  # noqa: F401
from usearch.index import Index

from dinner1.core.geo import bounding_box, distances_km, encode
from dinner1.db.types import utcnow
from dinner1.matching.features import SoulTraits, Vector, years_before
from dinner1.matching.vectors import RETRIEVAL_DIMENSIONS
from dinner1.profiles.service import DEALBREAKER_BITS

REGION_PRECISION = 3
# A geohash-3 cell is 1.40625° on each side (7 bits of latitude, 8 of longitude).
REGION_DEGREES = 1.40625
# The saved layout; a saved index of another layout is rebuilt rather than read.
FORMAT = 1
# Eligible members up to this many are ranked exactly rather than through the graph.
EXACT_LIMIT = 4096
# The deepest graph walk per partition before ranking the eligible members exactly.
DEEPEST_WALK = 2048
SMOKES = frozenset({"sometimes", "often"})
DRINKS = frozenset({"socially", "often"})
# A member's habits take the bits of the dealbreakers that refuse them
# (profiles.service.DEALBREAKER_BITS, as stored in profiles.dealbreaker_mask).
HABIT_BITS = DEALBREAKER_BITS
_WANTS = {"wants": 1, "does_not_want": -1}

_FACTS: dict[str, type[np.generic]] = {
    "key": np.uint64,
    "alive": np.bool_,
    "seeking": np.uint8,
    "born": np.int32,  # date ordinal
    "age_min": np.int16,
    "age_max": np.int16,
    "max_km": np.float32,
    "lat": np.float64,
    "lon": np.float64,
    "religion": np.int16,
    "religion_importance": np.int8,
    "habits": np.uint8,
    "refuses": np.uint8,
    "wants_children": np.int8,
}

PartitionName = tuple[int, str]
BoolArray = npt.NDArray[np.bool_]


def region_of(lat: float, lon: float) -> str:
    return encode(lat, lon, REGION_PRECISION)


@lru_cache(maxsize=4096)
def regions_within(lat: float, lon: float, radius_km: float) -> frozenset[str]:
    """Regions touched by a radius: its bounding box sampled on a grid finer than a region
    (so no region inside is stepped over). Members share a few hundred cells, so the answer
    is cached. (Boxes crossing the antimeridian are clipped: not a market yet.)"""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
    min_lat, max_lat = max(-90.0, min_lat), min(90.0, max_lat)
    min_lon, max_lon = max(-180.0, min_lon), min(180.0, max_lon)
    lat_steps = max(1, math.ceil((max_lat - min_lat) / REGION_DEGREES) * 2)
    lon_steps = max(1, math.ceil((max_lon - min_lon) / REGION_DEGREES) * 2)
    return frozenset(
        region_of(
            min_lat + (max_lat - min_lat) * i / lat_steps,
            min_lon + (max_lon - min_lon) * j / lon_steps,
        )
        for i in range(lat_steps + 1)
        for j in range(lon_steps + 1)
    )


@dataclass(frozen=True)
class Hit:
    user_id: uuid.UUID
    similarity: float


def born_of(member: SoulTraits) -> date:
    """The birth date, or for a member known by age alone the latest one that age allows."""
    return member.born or years_before(utcnow().date(), member.age)


def habits_of(member: SoulTraits) -> int:
    return (
        (HABIT_BITS["smoker"] if member.smoking in SMOKES else 0)
        | (HABIT_BITS["drinker"] if member.drinking in DRINKS else 0)
        | (HABIT_BITS["has_children"] if member.has_children == "yes" else 0)
    )


def refusals_of(member: SoulTraits) -> int:
    return sum(bit for name, bit in HABIT_BITS.items() if name in member.dealbreakers)


class _Partition:
    """One partition's graph, and its members' facts, ids and vectors by slot."""

    def __init__(self, expansion_search: int) -> None:
        # The graph holds half-precision copies (a cosine moves by ~1e-3, well inside
        # what approximate search gives up anyway); the exact path ranks by full precision.
        self.graph = Index(
            ndim=RETRIEVAL_DIMENSIONS,
            metric="cos",
            dtype="f16",
            connectivity=16,
            expansion_add=128,
            expansion_search=expansion_search,
        )
        self.size = 0
        self.facts: dict[str, npt.NDArray[Any]] = {
            name: np.zeros(0, dtype) for name, dtype in _FACTS.items()
        }
        self.users = np.zeros((0, 16), dtype=np.uint8)
        self.vectors = np.zeros((0, RETRIEVAL_DIMENSIONS), dtype=np.float32)

    def _reserve(self, extra: int) -> None:
        needed = self.size + extra
        capacity = len(self.facts["key"])
        if needed <= capacity:
            return
        capacity = max(needed, 2 * capacity, 64)
        for name, column in self.facts.items():
            self.facts[name] = _grown(column, capacity, self.size)
        self.users = _grown(self.users, capacity, self.size)
        self.vectors = _grown(self.vectors, capacity, self.size)

    def append(
        self,
        keys: npt.NDArray[np.uint64],
        facts: list[tuple[float, ...]],
        users: list[uuid.UUID],
        vectors: npt.NDArray[np.float32],
    ) -> None:
        count = len(keys)
        self._reserve(count)
        start, end = self.size, self.size + count
        self.facts["key"][start:end] = keys
        self.facts["alive"][start:end] = True
        columns = list(zip(*facts, strict=True))
        for name, values in zip(_FACT_NAMES, columns, strict=True):
            self.facts[name][start:end] = values
        self.users[start:end] = np.frombuffer(b"".join(u.bytes for u in users), np.uint8).reshape(
            count, 16
        )
        self.vectors[start:end] = vectors
        self.size = end
        self.graph.add(keys, vectors)

    def slots(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
        return np.searchsorted(self.facts["key"][: self.size], keys)

    def kill(self, key: int) -> None:
        slot = int(self.slots(np.array([key], dtype=np.uint64))[0])
        if slot < self.size and int(self.facts["key"][slot]) == key:
            self.facts["alive"][slot] = False
        self.graph.remove(key)

    def same(self, key: int, facts: tuple[float, ...], vector: Vector) -> bool:
        slot = int(self.slots(np.array([key], dtype=np.uint64))[0])
        if slot >= self.size or not self.facts["alive"][slot]:
            return False
        stored = tuple(float(self.facts[name][slot]) for name in _FACT_NAMES)
        wanted = tuple(
            float(np.asarray(v, dtype=self.facts[n].dtype))
            for n, v in zip(_FACT_NAMES, facts, strict=True)
        )
        return stored == wanted and bool(
            np.array_equal(self.vectors[slot], np.asarray(vector, dtype=np.float32))
        )


_FACT_NAMES = tuple(name for name in _FACTS if name not in ("key", "alive"))


def _grown(array: npt.NDArray[Any], capacity: int, used: int) -> npt.NDArray[Any]:
    grown = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
    grown[:used] = array[:used]
    return grown


class PartitionedIndex:
    def __init__(self, expansion_search: int = 256) -> None:
        self._partitions: dict[PartitionName, _Partition] = {}
        self._keys: dict[int, uuid.UUID] = {}
        self._where: dict[uuid.UUID, tuple[PartitionName, int]] = {}
        self._religions: dict[str, int] = {}
        self._next_key = 1
        self._expansion_search = expansion_search
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._where)

    def _partition(self, name: PartitionName) -> _Partition:
        partition = self._partitions.get(name)
        if partition is None:
            partition = self._partitions[name] = _Partition(self._expansion_search)
        return partition

    def _religion_code(self, religion: str | None, *, add: bool) -> int:
        if not religion:
            return 0
        code = self._religions.get(religion)
        if code is None:
            if not add:
                return -1  # nobody in the index has it
            code = self._religions[religion] = len(self._religions) + 1
        return code

    def _facts(self, member: SoulTraits) -> tuple[float, ...]:
        values = {
            "seeking": member.seeking_mask,
            "born": born_of(member).toordinal(),
            "age_min": member.age_min,
            "age_max": member.age_max,
            "max_km": member.max_distance_km,
            "lat": member.cell_lat,
            "lon": member.cell_lon,
            "religion": self._religion_code(member.religion, add=True),
            "religion_importance": member.religion_importance,
            "habits": habits_of(member),
            "refuses": refusals_of(member),
            "wants_children": _WANTS.get(member.wants_children or "", 0),
        }
        return tuple(values[name] for name in _FACT_NAMES)

    def upsert(self, member: SoulTraits, vector: Vector) -> None:
        self.upsert_many([(member, vector)])

    def upsert_many(self, rows: Iterable[tuple[SoulTraits, Vector]]) -> None:
        with self._lock:
            grouped: dict[PartitionName, list[tuple[SoulTraits, Vector, tuple[float, ...]]]] = {}
            for member, vector in rows:
                name = (member.gender_bit, region_of(member.cell_lat, member.cell_lon))
                facts = self._facts(member)
                found = self._where.get(member.id)
                unchanged = (
                    found is not None
                    and found[0] == name
                    and self._partitions[name].same(found[1], facts, vector)
                )
                if unchanged:
                    continue  # keep the slot
                grouped.setdefault(name, []).append((member, vector, facts))
            for name, members in grouped.items():
                keys = np.arange(self._next_key, self._next_key + len(members), dtype=np.uint64)
                self._next_key += len(members)
                for (member, _, _), key in zip(members, keys, strict=True):
                    self._remove_locked(member.id)
                    self._keys[int(key)] = member.id
                    self._where[member.id] = (name, int(key))
                vectors = np.stack([v for _, v, _ in members]).astype(np.float32)
                self._partition(name).append(
                    keys, [f for _, _, f in members], [m.id for m, _, _ in members], vectors
                )

    def remove(self, user_id: uuid.UUID) -> None:
        with self._lock:
            self._remove_locked(user_id)

    def _remove_locked(self, user_id: uuid.UUID) -> None:
        found = self._where.pop(user_id, None)
        if found is not None:
            name, key = found
            self._partitions[name].kill(key)
            del self._keys[key]

    # Searching --------------------------------------------------------------------------

    def nearest(
        self,
        me: SoulTraits,
        vector: Vector,
        count: int,
        today: date,
        exclude: Iterable[uuid.UUID] = (),
    ) -> tuple[list[Hit], str]:
        """The `count` nearest members who pass every hard filter both ways on `today` (as
        far as the facts tell), nearest first, and the plan used ("exact", "graph" or
        "none"). CPU work that waits for writers: call it in a thread."""
        with self._lock:
            return self._nearest(me, vector, count, today, exclude)

    def _nearest(
        self,
        me: SoulTraits,
        vector: Vector,
        count: int,
        today: date,
        exclude: Iterable[uuid.UUID],
    ) -> tuple[list[Hit], str]:
        regions = regions_within(me.cell_lat, me.cell_lon, me.max_distance_km)
        scope = [
            (partition, self._eligible(partition, me, today))
            for name, partition in list(self._partitions.items())
            if name[0] & me.seeking_mask and name[1] in regions and partition.size
        ]
        self._drop(scope, {me.id, *exclude})
        eligible = sum(int(mask.sum()) for _, mask in scope)
        if eligible == 0:
            return [], "none"
        query = np.asarray(vector, dtype=np.float32)
        if eligible > EXACT_LIMIT:
            hits = self._walk(scope, query, count)
            if len(hits) >= min(count, eligible):
                return hits, "graph"
        return self._exact(scope, query, count), "exact"

    def _eligible(self, partition: _Partition, me: SoulTraits, today: date) -> BoolArray:
        size = partition.size
        f = {name: column[:size] for name, column in partition.facts.items()}
        ok: BoolArray = f["alive"] & ((f["seeking"] & me.gender_bit) != 0)
        # Their age on `today`, as SQL computes it: born within my age range.
        ok &= (f["born"] > years_before(today, me.age_max + 1).toordinal()) & (
            f["born"] <= years_before(today, me.age_min).toordinal()
        )
        ok &= (f["age_min"] <= me.age) & (f["age_max"] >= me.age)
        mine = self._religion_code(me.religion, add=False)
        if mine:
            if me.religion_importance >= 3:
                ok &= (f["religion"] == mine) | (f["religion"] == 0)
            ok &= ~(
                (f["religion_importance"] >= 3) & (f["religion"] != 0) & (f["religion"] != mine)
            )
        refuses = refusals_of(me)
        if refuses:
            ok &= (f["habits"] & refuses) == 0
        habits = habits_of(me)
        if habits:
            ok &= (f["refuses"] & habits) == 0
        wants = _WANTS.get(me.wants_children or "", 0)
        if wants:
            ok &= f["wants_children"] != -wants
        # Distance last, on the few left: both radii (a millimetre of room for rounding).
        slots = np.flatnonzero(ok)
        if len(slots):
            km = distances_km(me.cell_lat, me.cell_lon, f["lat"][slots], f["lon"][slots])
            far = (km > me.max_distance_km + 1e-6) | (km > f["max_km"][slots] + 1e-6)
            ok[slots[far]] = False
        return ok

    def _drop(self, scope: list[tuple[_Partition, BoolArray]], users: set[uuid.UUID]) -> None:
        by_partition: dict[int, list[int]] = {}
        for user_id in users:
            found = self._where.get(user_id)
            if found is not None:
                by_partition.setdefault(id(self._partitions[found[0]]), []).append(found[1])
        for partition, mask in scope:
            keys = by_partition.get(id(partition))
            if keys:
                slots = partition.slots(np.array(keys, dtype=np.uint64))
                mask[slots[slots < len(mask)]] = False

    def _walk(
        self, scope: list[tuple[_Partition, BoolArray]], query: Vector, count: int
    ) -> list[Hit]:
        """The graph, walked per partition deep enough for its pass rate, then filtered."""
        keys: list[npt.NDArray[np.uint64]] = []
        similarities: list[npt.NDArray[np.float32]] = []
        for partition, mask in scope:
            passing = int(mask.sum())
            if passing == 0:
                continue
            depth = math.ceil(count * 1.5 * len(partition.graph) / passing)
            depth = min(len(partition.graph), DEEPEST_WALK, max(count, depth))
            matches = partition.graph.search(query, depth)
            found = np.asarray(matches.keys, dtype=np.uint64)
            slots = partition.slots(found)
            inside = slots < len(mask)
            keep = np.zeros(len(found), dtype=bool)
            keep[inside] = mask[slots[inside]] & (
                partition.facts["key"][slots[inside]] == found[inside]
            )
            keys.append(found[keep])
            distances = np.asarray(matches.distances, dtype=np.float32)[keep]
            similarities.append((1.0 - distances).astype(np.float32))
        return self._best(keys, similarities, count)

    def _exact(
        self, scope: list[tuple[_Partition, BoolArray]], query: Vector, count: int
    ) -> list[Hit]:
        keys: list[npt.NDArray[np.uint64]] = []
        similarities: list[npt.NDArray[np.float32]] = []
        for partition, mask in scope:
            slots = np.flatnonzero(mask)
            if len(slots):
                keys.append(partition.facts["key"][slots])
                similarities.append((partition.vectors[slots] @ query).astype(np.float32))
        return self._best(keys, similarities, count)

    def _best(
        self,
        keys: list[npt.NDArray[np.uint64]],
        similarities: list[npt.NDArray[np.float32]],
        count: int,
    ) -> list[Hit]:
        if not keys:
            return []
        all_keys, all_similarities = np.concatenate(keys), np.concatenate(similarities)
        if len(all_keys) > count:
            top = np.argpartition(-all_similarities, count - 1)[:count]
            all_keys, all_similarities = all_keys[top], all_similarities[top]
        order = np.argsort(-all_similarities, kind="stable")
        hits = []
        for position in order:
            user_id = self._keys.get(int(all_keys[position]))
            if user_id is not None:
                hits.append(Hit(user_id, float(all_similarities[position])))
        return hits

    def after_fork(self) -> None:
        """In a forked worker: a lock another thread of the parent held is of no use."""
        self._lock = threading.Lock()

    def key_of(self, user_id: uuid.UUID) -> int | None:
        found = self._where.get(user_id)
        return found[1] if found else None

    # Persistence ------------------------------------------------------------------------

    def save(self, directory: Path, extra: dict[str, Any] | None = None) -> None:
        """Write the index into an empty or new directory (the caller makes it current)."""
        directory.mkdir(parents=True, exist_ok=True)
        manifest = []
        with self._lock:
            for number, (name, partition) in enumerate(self._partitions.items()):
                stem = f"partition-{number}"
                partition.graph.save(str(directory / f"{stem}.usearch"))
                size = partition.size
                arrays = {name: column[:size] for name, column in partition.facts.items()}
                arrays["users"] = partition.users[:size]
                arrays["vectors"] = partition.vectors[:size]
                np.savez(directory / f"{stem}.npz", allow_pickle=False, **arrays)
                manifest.append({"gender": name[0], "region": name[1], "stem": stem})
            state = {
                "format": FORMAT,
                "dimensions": RETRIEVAL_DIMENSIONS,
                "partitions": manifest,
                "next_key": self._next_key,
                "religions": self._religions,
                "extra": extra or {},
            }
        (directory / "manifest.json").write_text(json.dumps(state))

    @classmethod
    def load(cls, directory: Path) -> tuple[PartitionedIndex, dict[str, Any]]:
        """An index saved by `save`, and the extra data saved with it."""
        state = json.loads((directory / "manifest.json").read_text())
        layout = (state.get("format"), state.get("dimensions"))
        if layout != (FORMAT, RETRIEVAL_DIMENSIONS):
            raise ValueError(f"saved index layout {layout} is not {FORMAT, RETRIEVAL_DIMENSIONS}")
        loaded = cls()
        for entry in state["partitions"]:
            partition = loaded._partition((int(entry["gender"]), str(entry["region"])))
            partition.graph.load(str(directory / f"{entry['stem']}.usearch"))
            with np.load(directory / f"{entry['stem']}.npz") as arrays:
                partition.users = arrays["users"].copy()
                partition.vectors = arrays["vectors"].copy()
                partition.facts = {name: arrays[name].copy() for name in _FACTS}
            partition.size = len(partition.facts["key"])
            name = (int(entry["gender"]), str(entry["region"]))
            alive = np.flatnonzero(partition.facts["alive"])
            for slot in alive:
                user_id = uuid.UUID(bytes=partition.users[slot].tobytes())
                key = int(partition.facts["key"][slot])
                loaded._where[user_id] = (name, key)
                loaded._keys[key] = user_id
        loaded._next_key = int(state["next_key"])
        loaded._religions = {str(k): int(v) for k, v in state["religions"].items()}
        return loaded, dict(state["extra"])
