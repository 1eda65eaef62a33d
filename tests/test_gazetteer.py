"""Place linking with vietnamadminunits: verified old units, 2025 units, no network, lazy import, cache."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crawler.entities import extract_entities, gazetteer
from crawler.entities.gazetteer import link

ROOT = Path(__file__).resolve().parent.parent

LINKS: list[tuple[str, str, tuple[str, str] | None, tuple[str, str] | None, dict[str, Any] | None]] = [
    ("commune-to-2025", "Hòa Bình", ("huyện", "Lạc Sơn"), ("xã", "Văn Nghĩa"),
     {"province": "Tỉnh Hòa Bình", "district": "Huyện Lạc Sơn", "commune": "Xã Văn Nghĩa", "province_code": "17",
      "district_code": "157", "commune_code": "05281", "new_province": "Tỉnh Phú Thọ", "new_commune": "Xã Nhân Nghĩa",
      "new_province_code": "25", "new_commune_code": "05290"}),
    ("district-only", "Hòa Bình", ("huyện", "Lạc Sơn"), None,
     {"district": "Huyện Lạc Sơn", "commune": None, "new_province": "Tỉnh Phú Thọ", "new_commune": None}),
    ("province-only", "Hòa Bình", None, None,
     {"province": "Tỉnh Hòa Bình", "district": None, "new_province": "Tỉnh Phú Thọ"}),
    ("commune-without-district-unique", "Hòa Bình", None, ("xã", "Văn Nghĩa"),
     {"district": "Huyện Lạc Sơn", "commune": "Xã Văn Nghĩa"}),
    ("city-ward", "Hòa Bình", ("thành phố", "Hòa Bình"), ("phường", "Tân Thịnh"),
     {"district": "Thành phố Hòa Bình", "commune": "Phường Tân Thịnh", "new_commune": "Phường Hòa Bình"}),
    ("former-commune-name", "Hòa Bình", ("huyện", "Lạc Sơn"), ("xã", "Vũ Lâm"),
     {"commune": "Xã Vũ Bình", "commune_code": "05335"}),
    ("former-district-name", "Hòa Bình", ("huyện", "Kỳ Sơn"), None, {"district": "Thành phố Hòa Bình"}),
    ("split-commune-default-no-geocoding", "Hòa Bình", ("huyện", "Đà Bắc"), ("xã", "Vầy Nưa"),
     {"commune": "Xã Vầy Nưa", "new_commune": "Xã Tiền Phong"}),
    ("unknown-commune", "Hòa Bình", ("huyện", "Lạc Sơn"), ("xã", "Mới Nang"), None),
    ("unknown-district", "Hòa Bình", ("huyện", "Hoàng Mai"), None, None),
    ("ambiguous-commune-without-district", "Hòa Bình", None, ("xã", "Đoàn Kết"), None),
    ("commune-in-wrong-district", "Hòa Bình", ("huyện", "Tân Lạc"), ("xã", "Văn Nghĩa"), None),
    ("no-province", "", None, None, None),
]


@pytest.mark.parametrize(("province", "district", "commune", "expected"), [c[1:] for c in LINKS],
                         ids=[c[0] for c in LINKS])
def test_link(province: str, district: tuple[str, str] | None, commune: tuple[str, str] | None,
              expected: dict[str, Any] | None) -> None:
    place = link(province, district, commune)
    if expected is None:
        assert place is None
        return
    assert place is not None
    for key, value in expected.items():
        assert getattr(place, key) == value, key


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Make every socket connection and DNS lookup fail, and record the attempts."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network blocked by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


SEED_LIKE = ("Lạc Sơn chủ động chuẩn bị đại hội", "Huyện ủy Lạc Sơn chọn làm điểm tại Đảng bộ xã Văn Nghĩa.",
             "Đảng bộ xã lựa chọn chi bộ xóm Mới Nang tổ chức đại hội điểm. Trường THPT Lạc Sơn cũng tham gia.")


def test_linking_works_with_the_network_blocked(no_network: list[Any]) -> None:
    link.cache_clear()
    place = link("Hòa Bình", ("huyện", "Lạc Sơn"), ("xã", "Văn Nghĩa"))
    assert place is not None and place.new_commune == "Xã Nhân Nghĩa"
    units = {u.name: u.place for u in extract_entities(*SEED_LIKE).units}
    commune = units["Đảng bộ xã Văn Nghĩa"]
    assert commune is not None and (commune.commune, commune.new_province) == ("Xã Văn Nghĩa", "Tỉnh Phú Thọ")
    village = units["Chi bộ xóm Mới Nang"]
    assert village is not None and village.commune == "Xã Văn Nghĩa"
    district = units["Huyện ủy Lạc Sơn"]
    assert district is not None and (district.district, district.commune) == ("Huyện Lạc Sơn", None)
    assert units["Trường THPT Lạc Sơn"] is None
    assert no_network == []


def test_library_geocoder_is_neutralised(no_network: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from vietnamadminunits import convert_address
    from vietnamadminunits.converter import converter_2025

    gazetteer._load()
    assert converter_2025.get_geo_location is gazetteer._no_geocode
    calls: list[str] = []

    def spy(address: str) -> None:
        calls.append(address)
        return gazetteer._no_geocode(address)

    monkeypatch.setattr(converter_2025, "get_geo_location", spy)
    # An address with a street in a commune split in 2025 takes the library's geocoding path ...
    unit = convert_address("Số 12 đường Quyết Thắng, Xã Vầy Nưa, Huyện Đà Bắc, Tỉnh Hòa Bình")
    assert len(calls) == 1
    # ... which now falls back to the library's default new commune without opening a socket.
    assert unit.ward == "Xã Tiền Phong"
    assert no_network == []


@pytest.mark.parametrize(("link_places", "imported"), [(False, False), (True, True)])
def test_library_is_loaded_lazily(link_places: bool, imported: bool) -> None:
    code = (
        "import sys; from crawler.entities import extract_entities; "
        f"extract_entities('t', 'Đảng bộ xã Văn Nghĩa (Lạc Sơn) họp.', None, None, link_places={link_places}); "
        "print('vietnamadminunits' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
                         env={**os.environ, "HBDT_CACHE_DIR": "off"})
    assert out.stdout.strip() == str(imported)


def test_a_second_process_reads_places_from_the_disk_cache_without_the_library(tmp_path: Path) -> None:
    code = (
        "import sys; from crawler.entities import extract_entities; "
        "units = extract_entities('t', 'Đảng bộ xã Văn Nghĩa (Lạc Sơn) họp.', None, None).units; "
        "print(units[0].place.new_commune, 'vietnamadminunits' in sys.modules)"
    )
    env = {**os.environ, "HBDT_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                           check=True, env=env).stdout.strip() for _ in range(2)]
    assert runs == ["Xã Nhân Nghĩa True", "Xã Nhân Nghĩa False"]
    assert [p.name for p in tmp_path.iterdir()][0].startswith("gazetteer-")


def test_lookups_are_cached() -> None:
    link("Hòa Bình", ("huyện", "Tân Lạc"), ("xã", "Ngổ Luông"))
    before = link.cache_info().hits
    place = link("Hòa Bình", ("huyện", "Tân Lạc"), ("xã", "Ngổ Luông"))
    assert link.cache_info().hits == before + 1
    assert place is not None and place.new_commune == "Xã Vân Sơn"


@pytest.mark.parametrize(("lead", "unit", "fields"), [
    ("Đảng bộ phường Tân Thịnh (thành phố Hòa Bình) đại hội; Thành ủy Hòa Bình chỉ đạo.", "Thành ủy Hòa Bình",
     {"district": "Thành phố Hòa Bình", "commune": None}),
    ("Đảng bộ phường Tân Thịnh (thành phố Hòa Bình) đại hội; Thành ủy Hòa Bình chỉ đạo.", "Đảng bộ phường Tân Thịnh",
     {"commune": "Phường Tân Thịnh", "new_commune": "Phường Hòa Bình"}),
    ("Chi bộ xóm Bưa Cút, xã Ân Nghĩa và Chi bộ xóm Mu Dưới, xã Yên Nghiệp (Lạc Sơn) đại hội điểm.", "Chi bộ xóm Mu Dưới",
     {"commune": "Xã Yên Nghiệp", "district": "Huyện Lạc Sơn"}),
    ("Chi bộ xóm Chum ở xã Tân Minh và xã Đồng Chum đại hội.", "Chi bộ xóm Chum", None),
    ("Đảng bộ tỉnh Hòa Bình và UBND tỉnh Hòa Bình.", "Ủy ban nhân dân tỉnh Hòa Bình", {"province": "Tỉnh Hòa Bình",
                                                                                    "district": None}),
    ("Bộ Chính trị ban hành chỉ thị.", "Bộ Chính trị", None),
])
def test_units_get_places(lead: str, unit: str, fields: dict[str, Any] | None) -> None:
    places = {u.name: u.place for u in extract_entities(None, lead, None, None).units}
    assert unit in places
    if fields is None:
        assert places[unit] is None
        return
    place = places[unit]
    assert place is not None
    for key, value in fields.items():
        assert getattr(place, key) == value, key
