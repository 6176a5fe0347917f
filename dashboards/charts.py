"""Figures built from query results: no SQL, no widgets, just presentation."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pydeck as pdk

__all__ = [
    "SERVICEABILITY_COLORS",
    "activity_chart",
    "coverage_deck",
    "routes_deck",
    "utilisation_chart",
]

SERVICEABILITY_COLORS: dict[str, list[int]] = {
    "serviceable": [46, 160, 67, 200],
    "pre_build": [255, 176, 0, 200],
    "out_of_footprint": [140, 140, 140, 160],
}
_UNKNOWN_COLOR = [200, 60, 60, 200]


def activity_chart(daily: pd.DataFrame) -> alt.Chart:
    """Orders, installs and activations per day as three lines."""
    measures = ["orders", "installs", "activations"]
    chart: alt.Chart = (
        alt.Chart(daily)
        .transform_fold(list[str | alt.FieldName](measures), as_=["measure", "count"])
        .mark_line(point=True)
        .encode(
            x=alt.X("kpi_date:T", title="day (UTC)"),
            y=alt.Y("count:Q", title="per day"),
            color=alt.Color("measure:N", sort=measures, title=None),
            tooltip=[
                alt.Tooltip("kpi_date:T", title="day"),
                alt.Tooltip("measure:N"),
                alt.Tooltip("count:Q"),
            ],
        )
    )
    return chart


def _zoom_for(points: pd.DataFrame) -> float:
    span = max(
        float(points["lat"].max() - points["lat"].min()),
        float(points["lon"].max() - points["lon"].min()),
    )
    if span <= 0:
        return 14.0
    return max(3.0, min(15.0, math.log2(360.0 / span) - 0.5))


def coverage_deck(points: pd.DataFrame) -> pdk.Deck:
    """Addresses as dots coloured by serviceability, with no basemap (works offline).

    ``map_provider=None`` keeps pydeck's style sentinel, which Streamlit reads as "no
    basemap"; ``map_style=None`` would make Streamlit fetch CARTO tiles instead.
    """
    data = points[["address_id", "region", "serviceability", "lat", "lon"]].copy()
    data["color"] = [SERVICEABILITY_COLORS.get(s, _UNKNOWN_COLOR) for s in data["serviceability"]]
    layer = pdk.Layer(
        "ScatterplotLayer",
        data=data,
        id="addresses",
        get_position=["lon", "lat"],
        get_fill_color="color",
        get_radius=12,
        radius_min_pixels=2,
        radius_max_pixels=8,
        pickable=True,
    )
    view = pdk.ViewState(
        latitude=float(data["lat"].mean()),
        longitude=float(data["lon"].mean()),
        zoom=_zoom_for(data),
    )
    return pdk.Deck(
        layers=[layer],
        initial_view_state=view,
        map_provider=None,
        tooltip={"text": "{address_id} ({region})\n{serviceability}"},
    )


_ROUTE_PALETTE = (
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
)  # fmt: skip


def routes_deck(routes: pd.DataFrame, stops: pd.DataFrame) -> pdk.Deck:
    """Each technician's route (home, stops in order, home) as a line of its own colour.

    Stops are dots labelled with their job; home bases are larger hollow rings.
    """
    colour = {
        tech: [*_ROUTE_PALETTE[i % len(_ROUTE_PALETTE)], 220]
        for i, tech in enumerate(routes["technician_id"])
    }
    paths = []
    for route in routes.to_dict("records"):
        visits = stops[stops["technician_id"] == route["technician_id"]]
        if visits.empty:
            continue
        visits = visits.sort_values("stop_sequence")
        home = [float(route["home_lon"]), float(route["home_lat"])]
        points = [
            [float(lon), float(lat)] for lon, lat in zip(visits["lon"], visits["lat"], strict=True)
        ]
        paths.append(
            {
                "technician_id": route["technician_id"],
                "path": [home, *points, home],
                "color": colour[route["technician_id"]],
                "label": (
                    f"{route['technician_id']}: {len(visits)} jobs, "
                    f"{route['drive_minutes']} min driving"
                ),
            }
        )
    dots = stops[["technician_id", "stop_sequence", "job_id", "job_type", "lat", "lon"]].copy()
    dots["color"] = [colour.get(t, _UNKNOWN_COLOR) for t in dots["technician_id"]]
    dots["label"] = [
        f"{t} #{n}: {j} ({k})"
        for t, n, j, k in zip(
            dots["technician_id"],
            dots["stop_sequence"],
            dots["job_id"],
            dots["job_type"],
            strict=True,
        )
    ]
    homes = routes[["technician_id", "home_lat", "home_lon"]].copy()
    homes["color"] = [colour[t] for t in homes["technician_id"]]
    homes["label"] = [f"{t}: home base" for t in homes["technician_id"]]
    layers = [
        pdk.Layer(
            "PathLayer",
            data=paths,
            id="routes",
            get_path="path",
            get_color="color",
            width_min_pixels=3,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            data=dots,
            id="stops",
            get_position=["lon", "lat"],
            get_fill_color="color",
            get_radius=25,
            radius_min_pixels=4,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            data=homes,
            id="homes",
            get_position=["home_lon", "home_lat"],
            get_line_color="color",
            filled=False,
            stroked=True,
            line_width_min_pixels=2,
            get_radius=40,
            radius_min_pixels=6,
            pickable=True,
        ),
    ]
    extent = pd.DataFrame(
        {
            "lat": [*dots["lat"], *homes["home_lat"]],
            "lon": [*dots["lon"], *homes["home_lon"]],
        }
    )
    view = pdk.ViewState(
        latitude=float(extent["lat"].mean()),
        longitude=float(extent["lon"].mean()),
        zoom=_zoom_for(extent),
    )
    return pdk.Deck(
        layers=layers, initial_view_state=view, map_provider=None, tooltip={"text": "{label}"}
    )


def utilisation_chart(routes: pd.DataFrame) -> alt.Chart:
    """Share of each technician's shift spent working and driving, as stacked bars."""
    data = routes[["technician_id", "work_minutes", "drive_minutes", "shift_minutes"]].copy()
    data["working"] = data["work_minutes"] / data["shift_minutes"]
    data["driving"] = data["drive_minutes"] / data["shift_minutes"]
    parts = ["working", "driving"]
    chart: alt.Chart = (
        alt.Chart(data)
        .transform_fold(list[str | alt.FieldName](parts), as_=["activity", "share"])
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                title="share of the shift",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("technician_id:N", title=None),
            color=alt.Color("activity:N", sort=parts, title=None),
            tooltip=[
                alt.Tooltip("technician_id:N", title="technician"),
                alt.Tooltip("activity:N"),
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
    )
    return chart
