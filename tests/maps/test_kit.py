"""The map kit (app.maps): projection, SVG paths, clusters, choropleth classes."""

from __future__ import annotations

import math

import pytest

from app.maps.choropleth import choropleth, class_bounds
from app.maps.clusters import grid_clusters
from app.maps.france import france
from app.maps.outlines import departements
from app.maps.projection import INSETS, METROPOLE, Frame, around, fit
from app.maps.results import MapPoint, results_map
from app.maps.svg import path_data, ring_path


def test_a_view_around_a_point_puts_it_in_the_middle_and_draws_the_radius_to_scale():
    project = around(48.8566, 2.3522, 3, Frame(0, 0, 400, 400))
    assert project(2.3522, 48.8566) == (200, 200)
    # 3 km north: 3 / 111.195 degrees of latitude, drawn at the radius' length.
    x, y = project(2.3522, 48.8566 + 3 / 111.195)
    assert x == 200 and y == pytest.approx(200 - project.km(3), abs=0.2)
    # East–west is shrunk by cos(latitude) so that a kilometre is a kilometre both ways.
    x, _ = project(2.3522 + 3 / (111.195 * math.cos(math.radians(48.8566))), 48.8566)
    assert x == pytest.approx(200 + project.km(3), abs=0.3)
    assert project.inverse(200, 200) == pytest.approx((2.3522, 48.8566))


def test_fit_keeps_the_bbox_inside_the_frame():
    frame = Frame(10, 20, 300, 100)
    project = fit((0, 40, 10, 50), frame, 5)
    for lon, lat in ((0, 40), (10, 50), (0, 50), (10, 40)):
        x, y = project(lon, lat)
        assert 15 - 0.1 <= x <= 305 + 0.1 and 25 - 0.1 <= y <= 115 + 0.1


def test_a_ring_becomes_a_closed_path_without_repeated_points():
    def identity(lon, lat):
        return (lon, lat)

    assert (
        ring_path([(0, 0), (10, 0), (10, 0), (10, 10), (0, 0)], identity) == "M0 0L10 0L10 10L0 0Z"
    )
    assert ring_path([(0, 0), (0, 0)], identity) == ""  # a ring drawn as a point is dropped
    square_with_hole = (((0, 0), (4, 0), (4, 4), (0, 0)), ((1, 1), (2, 1), (2, 2), (1, 1)))
    assert path_data([square_with_hole], identity).count("M") == 2


def test_the_101_departements_are_drawn_the_drom_in_their_insets():
    areas = departements()
    assert len(areas) == 101 and {"2A", "2B", "971", "976"} <= {a.code for a in areas}
    drawing = france()
    shapes = {s.code: s for s in drawing.shapes}

    def xs(d):
        return [
            float(p.split(" ")[0]) for p in d.replace("M", "L").replace("Z", "").split("L") if p
        ]

    # Paris is in the metropolitan frame, La Réunion in its inset on the left.
    assert min(xs(shapes["75"].d)) >= METROPOLE.x
    inset = INSETS["974"]
    assert inset.x <= min(xs(shapes["974"].d)) and max(xs(shapes["974"].d)) <= inset.x + inset.width


def test_few_points_stay_apart_many_are_grouped_by_grid_cell():
    points = [(5.0, 5.0, "a"), (6.0, 6.0, "b"), (50.0, 50.0, "c")]
    assert [c.count for c in grid_clusters(points, 20, threshold=3)] == [1, 1, 1]
    clusters = grid_clusters(points, 20, threshold=2)
    assert sorted(c.count for c in clusters) == [1, 2]
    pair = next(c for c in clusters if c.count == 2)
    assert (pair.x, pair.y, set(pair.members)) == (5.5, 5.5, {"a", "b"})


def test_a_dense_results_map_shows_clusters_with_their_counts():
    point = MapPoint(48.8566, 2.3522, "avip", "Crèche", "/offre/1")
    many = results_map(48.8566, 2.3522, 3, [point] * 500)
    assert [c.count for c in many.marks] == [500]
    few = results_map(48.8566, 2.3522, 3, [point] * 3)
    assert [c.count for c in few.marks] == [1, 1, 1]
    assert {b.code for b in few.backdrop} >= {"75"} and few.categories == [("avip", "Accueil AVIP")]


def test_class_bounds_are_values_and_equal_values_share_a_class():
    legend = class_bounds([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)
    assert [(c.lower, c.upper) for c in legend] == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    legend = class_bounds([0, 0, 0, 0, 5], 5)
    assert [(c.lower, c.upper) for c in legend] == [(0, 0), (5, 5)]
    assert class_bounds([], 5) == ()
    assert legend[0].label == "0" and class_bounds([1, 2500], 1)[0].label == "de 1 à 2\u202f500"


def test_an_area_without_value_is_marked_no_data_not_zero():
    chart = choropleth(
        "Offres", "offres", {"01": "Ain", "02": "Aisne", "03": "Allier"}, {"01": 0, "02": 4}
    )
    by_code = chart.by_code()
    assert by_code["03"].css == "choro-none" and by_code["03"].value is None
    assert by_code["01"].css == "choro-1" and by_code["02"].css == "choro-2"
    assert chart.has_missing
