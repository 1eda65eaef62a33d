"""Offline link from a unit's place to ``vietnamadminunits`` (pinned 1.0.4): old codes and the 2025 unit.

What is used from the library, and why it cannot reach the network:

- ``vietnamadminunits.parser.parser_legacy.parse_address_legacy`` (the old 63-province, three-level
  parser) on an address we build ourselves: ``"Xã Văn Nghĩa, Huyện Lạc Sơn, Tỉnh Hòa Bình"``
  (Party prefix already stripped, province and district supplied from context). Its result is
  *verified*: each level must match the name we asked for exactly (folded, with or without its
  type word), against the library's keyword lists, which include former names (``xã Vũ Lâm`` is
  found as the early-2025 ``Xã Vũ Bình`` it was merged into). A name the gazetteer does not know
  gives ``None``: we never accept its fuzzy substring matches.
- ``vietnamadminunits.convert_address`` for the 2025 unit. Its only network path is
  ``converter_2025.get_geo_location`` (an ArcGIS geocoder), reached only when an old commune was
  split in 2025 *and* the address has a street part. Our addresses never have a street, and on
  first load :func:`_load` also replaces ``get_geo_location`` in the converter (and in
  ``parser.utils``) with a function that returns ``None``, so the converter falls back to the
  library's default new commune. ``tests/test_gazetteer.py`` proves no socket is opened.

The library is imported lazily on the first lookup (about 0.7 s: it loads JSON tables and imports
geopy/shapely); every lookup is cached with :func:`functools.lru_cache`.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import json
import logging
import os
import re
import time
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from crawler.items import Place
from crawler.text import fold

log = logging.getLogger(__name__)

_state: dict[str, Any] = {}
LOAD_SECONDS: list[float] = []
"""Seconds the first (lazy) import of the library took in this process, once loaded."""


def _no_geocode(*_args: object, **_kwargs: object) -> None:
    """Stand-in for the library's ArcGIS geocoder: never touches the network."""
    return None


def _load() -> tuple[ModuleType, ModuleType, Any]:
    """Import the library once, neutralise its geocoder, return (parser_legacy, converter, convert)."""
    if "legacy" not in _state:
        t0 = time.perf_counter()
        from vietnamadminunits import convert_address
        from vietnamadminunits.converter import converter_2025
        from vietnamadminunits.parser import parser_legacy, utils

        converter_2025.get_geo_location = _no_geocode
        utils.get_geo_location = _no_geocode
        _state.update(legacy=parser_legacy, converter=converter_2025, convert=convert_address)
        LOAD_SECONDS.append(time.perf_counter() - t0)
        log.debug("vietnamadminunits loaded in %.3f s", LOAD_SECONDS[-1])
    return _state["legacy"], _state["converter"], _state["convert"]


def is_loaded() -> bool:
    """Whether the library has been imported by this module."""
    return "legacy" in _state


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _keys(word: str, name: str) -> set[str]:
    return {_key(name), _key(f"{word} {name}")}


def _province_key(legacy: ModuleType, name: str) -> str | None:
    wanted = _keys("tỉnh", name) | _keys("thành phố", name)
    for pk, info in legacy.DICT_PROVINCE.items():
        if wanted & set(info.get("provinceKeywords", [])) and _key(info.get("provinceShort", "")) == _key(name):
            return str(pk)
    for pk, info in legacy.DICT_PROVINCE.items():
        if _key(info.get("provinceShort", "")) == _key(name):
            return str(pk)
    return None


def _district_key(legacy: ModuleType, pk: str, word: str, name: str) -> str | None:
    wanted = _keys(word, name)
    hits = [dk for dk, info in legacy.DICT_PROVINCE_DISTRICT.get(pk, {}).items()
            if _key(info.get("districtShort", "")) == _key(name) and wanted & set(info.get("districtKeywords", []))]
    if len(hits) > 1:
        typed = [dk for dk in hits if _key(legacy.DICT_PROVINCE_DISTRICT[pk][dk].get("districtType", "")) == _key(word)]
        hits = typed or hits
    if len(hits) == 1:
        return hits[0]
    # a former name (``huyện Kỳ Sơn``) is only in the keyword list
    hits = [dk for dk, info in legacy.DICT_PROVINCE_DISTRICT.get(pk, {}).items()
            if _key(f"{word} {name}") in info.get("districtKeywords", [])]
    return hits[0] if len(hits) == 1 else None


def _ward_dicts(legacy: ModuleType) -> list[dict[str, Any]]:
    return [legacy.DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED, legacy.DICT_PROVINCE_DISTRICT_WARD_ACCENTED,
            legacy.DICT_PROVINCE_DISTRICT_WARD_SHORT_ACCENTED]


def _ward_matches(legacy: ModuleType, pk: str, dk: str, word: str, name: str) -> list[str]:
    """Ward keys of district ``dk`` whose keywords contain exactly ``word name`` or ``name``."""
    folded = _keys(word, name)
    accented = {re.sub(r"\W", "", f"{word}{name}".lower()), re.sub(r"\W", "", name.lower())}
    out: list[str] = []
    for table in _ward_dicts(legacy):
        for wk, info in table.get(pk, {}).get(dk, {}).items():
            kws = set(info.get("wardKeywords", []))
            if (folded | accented) & kws and wk not in out:
                typed = _key(info.get("wardType", "")) == _key(word)
                same = _key(info.get("wardShort", "")) == _key(name)
                if typed or same or _key(f"{word} {name}") in kws:
                    out.append(wk)
    return out


def _cache_file() -> Path | None:
    """The file that keeps looked-up places between processes, or ``None`` (``HBDT_CACHE_DIR=off``).

    In ``$HBDT_CACHE_DIR``, else ``$XDG_CACHE_HOME/hbdt``, else ``~/.cache/hbdt``; its name carries
    a fingerprint of this module's source and the installed library (its path, size and time), so a changed lookup never
    reads an old answer.
    """
    setting = os.environ.get("HBDT_CACHE_DIR", "")
    if setting.lower() == "off":
        return None
    base = Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hbdt"
    # the installed library's files, not its metadata (importlib.metadata costs ~8 ms to import)
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.origin:
        return None
    try:
        installed = os.stat(spec.origin)
    except OSError:
        return None
    library = f"{spec.origin}:{installed.st_size}:{installed.st_mtime_ns}"
    digest = hashlib.sha1(Path(__file__).read_bytes() + library.encode()).hexdigest()[:12]
    return base / f"gazetteer-{digest}.json"


def _disk() -> dict[str, dict[str, Any] | None]:
    """The places known from earlier processes (read once per process)."""
    if "disk" not in _state:
        known: dict[str, dict[str, Any] | None] = {}
        path = _cache_file()
        if path is not None and path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    known = loaded
            except (OSError, ValueError) as exc:
                log.debug("gazetteer cache %s unreadable: %s", path, exc)
        _state["disk"] = known
        _state["dirty"] = False
    return _state["disk"]


def _save_disk() -> None:
    """Write the places looked up in this process (at exit; atomically; a failure is only logged)."""
    path = _cache_file()
    if path is None or not _state.get("dirty"):
        return
    import tempfile  # only a process that looked up new places writes

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(_state["disk"], fh, ensure_ascii=False)
        os.replace(tmp, path)
        _state["dirty"] = False
    except OSError as exc:
        log.debug("gazetteer cache not written to %s: %s", path, exc)


@lru_cache(maxsize=4096)
def link(province: str | None, district: tuple[str, str] | None = None,
         commune: tuple[str, str] | None = None) -> Place | None:
    """The gazetteer place of ``commune`` in ``district`` of ``province`` (old names, 2025 unit).

    Answers are kept on disk (:func:`_cache_file`), so a process that only meets places an
    earlier one looked up never imports the library (about 0.5 s). Never raises.
    """
    if not province:
        return None
    key = json.dumps([province, district, commune], ensure_ascii=False)
    disk = _disk()
    if key in disk:
        known = disk[key]
        return Place(**known) if known is not None else None
    place = _link(province, district, commune)
    if is_loaded():  # an answer of the library (not "library missing"): keep it
        disk[key] = asdict(place) if place is not None else None
        if not _state.get("dirty"):
            _state["dirty"] = True
            atexit.register(_save_disk)
    return place


def _link(province: str, district: tuple[str, str] | None = None,
          commune: tuple[str, str] | None = None) -> Place | None:
    """The gazetteer place of ``commune`` in ``district`` of ``province`` (old names, 2025 unit).

    ``province`` is a bare name (``"Hòa Bình"``); ``district`` and ``commune`` are ``(type word,
    name)`` pairs such as ``("huyện", "Lạc Sơn")``, ``("xã", "Văn Nghĩa")``. A commune without a
    district is looked up in every district of the province and linked only when exactly one has
    it. ``None`` when any given level is unknown. Never raises, never opens a socket.
    """
    if not province:
        return None
    try:
        legacy, _converter, convert = _load()
    except ImportError:
        log.warning("vietnamadminunits is not installed: places are not linked")
        return None
    pk = _province_key(legacy, province)
    if pk is None:
        return None
    dk: str | None = None
    if district is not None:
        dk = _district_key(legacy, pk, district[0], district[1])
        if dk is None:
            return None
    wk: str | None = None
    if commune is not None:
        if dk is None:
            found = [(d, w) for d in legacy.DICT_PROVINCE_DISTRICT.get(pk, {})
                     for w in _ward_matches(legacy, pk, d, commune[0], commune[1])]
            if len({d for d, _w in found}) != 1 or len(found) != 1:
                return None
            dk, wk = found[0]
        else:
            wards = _ward_matches(legacy, pk, dk, commune[0], commune[1])
            if len(wards) != 1:
                return None
            wk = wards[0]
    pinfo = legacy.DICT_PROVINCE[pk]
    place = Place(province=pinfo["province"], province_code=str(pinfo["provinceCode"]))
    parts = [pinfo["province"]]
    if dk is not None:
        dinfo = legacy.DICT_PROVINCE_DISTRICT[pk][dk]
        place.district, place.district_code = dinfo["district"], str(dinfo["districtCode"])
        parts.insert(0, dinfo["district"])
    if wk is not None:
        winfo = _ward_info(legacy, pk, str(dk), wk)
        if winfo is None:
            return None
        place.commune, place.commune_code = winfo["ward"], str(winfo["wardCode"])
        parts.insert(0, winfo["ward"])
    _add_new(place, convert, ", ".join(parts), pk, dk, wk)
    return place


def _ward_info(legacy: ModuleType, pk: str, dk: str, wk: str) -> dict[str, Any] | None:
    for table in _ward_dicts(legacy):
        info = table.get(pk, {}).get(dk, {}).get(wk)
        if info:
            return dict(info)
    return None


def _add_new(place: Place, convert: Any, address: str, pk: str, dk: str | None, wk: str | None) -> None:
    """Fill the 2025 fields from the library's converter (street-less address: no geocoding)."""
    try:
        new = convert(address)
    except (ValueError, KeyError, AttributeError, TypeError, IndexError) as exc:
        log.debug("2025 conversion failed for %r: %s", address, exc)
        return
    old = getattr(new, "OldAdminUnit", None)
    if old is None or old.province_key != pk or (dk is not None and old.district_key != dk) or (
        wk is not None and old.ward_key != wk
    ):
        return
    place.new_province = new.province
    place.new_province_code = str(new.province_code) if new.province_code else None
    if wk is not None and new.ward:
        place.new_commune = new.ward
        place.new_commune_code = str(new.ward_code) if new.ward_code else None

