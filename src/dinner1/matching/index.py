"""Approximate nearest-neighbour retrieval of candidates (usearch HNSW), partitioned by
gender and region so a search only walks people a member could be matched with.

Partitions: (gender bit, geohash-3 region ≈ 156 km). A member's search covers the
partitions of the genders they seek, in the regions their radius reaches. Keys are
dense integers mapped to member ids; an index persists to files and is updated member by
member as answers change.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from usearch.index import Index

from dinner1.core.geo import bounding_box, encode
from dinner1.matching.features import Vector
from dinner1.matching.vectors import RETRIEVAL_DIMENSIONS

REGION_PRECISION = 3
GENDER_BITS = (1, 2, 4)


def region_of(lat: float, lon: float) -> str:
    return encode(lat, lon, REGION_PRECISION)


@lru_cache(maxsize=4096)
def regions_within(lat: float, lon: float, radius_km: float) -> frozenset[str]:
    """Regions touched by a radius (sampled on a grid over its bounding box). Members share
    a few hundred cells, so the answer is cached."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
    steps = 6
    return frozenset(
        region_of(
            min(90.0, max(-90.0, min_lat + (max_lat - min_lat) * i / steps)),
            min(180.0, max(-180.0, min_lon + (max_lon - min_lon) * j / steps)),
        )
        for i in range(steps + 1)
        for j in range(steps + 1)
    )


@dataclass(frozen=True)
class Hit:
    user_id: uuid.UUID
    similarity: float


class PartitionedIndex:
    def __init__(self, expansion_search: int = 256) -> None:
        self._partitions: dict[tuple[int, str], Index] = {}
        self._keys: dict[int, uuid.UUID] = {}
        self._where: dict[uuid.UUID, tuple[tuple[int, str], int]] = {}
        self._next_key = 1
        self._expansion_search = expansion_search
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._where)

    def _partition(self, name: tuple[int, str]) -> Index:
        index = self._partitions.get(name)
        if index is None:
            index = Index(
                ndim=RETRIEVAL_DIMENSIONS,
                metric="cos",
                dtype="f32",
                connectivity=16,
                expansion_add=128,
                expansion_search=self._expansion_search,
            )
            self._partitions[name] = index
        return index

    def upsert(
        self, user_id: uuid.UUID, gender_bit: int, lat: float, lon: float, vector: Vector
    ) -> None:
        name = (gender_bit, region_of(lat, lon))
        with self._lock:
            self._remove_locked(user_id)
            key = self._next_key
            self._next_key += 1
            self._partition(name).add(key, np.asarray(vector, dtype=np.float32))
            self._keys[key] = user_id
            self._where[user_id] = (name, key)

    def upsert_many(self, rows: Iterable[tuple[uuid.UUID, int, float, float, Vector]]) -> None:
        grouped: dict[tuple[int, str], list[tuple[uuid.UUID, Vector]]] = {}
        for user_id, gender_bit, lat, lon, vector in rows:
            grouped.setdefault((gender_bit, region_of(lat, lon)), []).append((user_id, vector))
        with self._lock:
            for name, members in grouped.items():
                keys = np.arange(self._next_key, self._next_key + len(members), dtype=np.uint64)
                self._next_key += len(members)
                for (user_id, _), key in zip(members, keys, strict=True):
                    self._remove_locked(user_id)
                    self._keys[int(key)] = user_id
                    self._where[user_id] = (name, int(key))
                vectors = np.stack([v for _, v in members]).astype(np.float32)
                self._partition(name).add(keys, vectors)

    def remove(self, user_id: uuid.UUID) -> None:
        with self._lock:
            self._remove_locked(user_id)

    def _remove_locked(self, user_id: uuid.UUID) -> None:
        found = self._where.pop(user_id, None)
        if found is not None:
            name, key = found
            self._partitions[name].remove(key)
            del self._keys[key]

    def search(
        self,
        vector: Vector,
        genders_mask: int,
        regions: frozenset[str],
        count: int,
        exclude: uuid.UUID | None = None,
    ) -> list[Hit]:
        keys, similarities = self.search_keys(vector, genders_mask, regions, count + 1)
        hits = [
            Hit(self._keys[int(k)], float(s))
            for k, s in zip(keys, similarities, strict=True)
            if int(k) in self._keys
        ]
        return [hit for hit in hits if hit.user_id != exclude][:count]

    def search_keys(
        self, vector: Vector, genders_mask: int, regions: frozenset[str], count: int
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.float32]]:
        """Nearest keys first, with their similarities: the batch path's cheap form."""
        query = np.asarray(vector, dtype=np.float32)
        keys: list[npt.NDArray[np.uint64]] = []
        distances: list[npt.NDArray[np.float32]] = []
        for name, index in self._partitions.items():
            if not name[0] & genders_mask or name[1] not in regions or len(index) == 0:
                continue
            matches = index.search(query, min(count, len(index)))
            keys.append(np.asarray(matches.keys, dtype=np.uint64))
            distances.append(np.asarray(matches.distances, dtype=np.float32))
        if not keys:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.float32)
        all_keys, all_distances = np.concatenate(keys), np.concatenate(distances)
        order = np.argsort(all_distances, kind="stable")[:count]
        return all_keys[order], (1.0 - all_distances[order]).astype(np.float32)

    def key_of(self, user_id: uuid.UUID) -> int | None:
        found = self._where.get(user_id)
        return found[1] if found else None

    def members_by_key(self) -> dict[int, uuid.UUID]:
        return dict(self._keys)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        manifest = []
        with self._lock:
            for number, (name, index) in enumerate(self._partitions.items()):
                filename = f"partition-{number}.usearch"
                index.save(str(directory / filename))
                manifest.append({"gender": name[0], "region": name[1], "file": filename})
            state = {
                "partitions": manifest,
                "next_key": self._next_key,
                "members": {str(u): [n[0], n[1], k] for u, (n, k) in self._where.items()},
            }
        (directory / "manifest.json").write_text(json.dumps(state))

    @classmethod
    def load(cls, directory: Path) -> PartitionedIndex:
        loaded = cls()
        manifest_path = directory / "manifest.json"
        if not manifest_path.exists():
            return loaded
        state = json.loads(manifest_path.read_text())
        for entry in state["partitions"]:
            index = loaded._partition((entry["gender"], entry["region"]))
            index.load(str(directory / entry["file"]))
        loaded._next_key = int(state["next_key"])
        for user, (gender, region, key) in state["members"].items():
            user_id = uuid.UUID(user)
            loaded._where[user_id] = ((int(gender), str(region)), int(key))
            loaded._keys[int(key)] = user_id
        return loaded
