"""Figures built from query results: no SQL, no widgets, just presentation."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pydeck as pdk

__all__ = [
    "SERVICEABILITY_COLORS",
    "activity_chart",
    "first_visit_chart",
    "coverage_deck",
    "UTILISATION_COLORS",
    "routes_deck",
    "splitter_deck",
    "utilisation_chart",
    "INCIDENT_SCOPE_COLORS",
    "RX_BAND_COLORS",
    "incidents_deck",
    "rx_power_chart",
]

SERVICEABILITY_COLORS: dict[str, list[int]] = {
    "serviceable": [46, 160, 67, 200],
    "pre_build": [255, 176, 0, 200],
    "out_of_footprint": [140, 140, 140, 160],
}
_UNKNOWN_COLOR = [200, 60, 60, 200]
UTILISATION_COLORS: dict[str, list[int]] = {
    "room": [46, 160, 67, 220],
    "filling": [255, 176, 0, 230],
    "full": [214, 39, 40, 240],
    "not built": [140, 140, 140, 180],
}


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


def first_visit_chart(daily: pd.DataFrame) -> alt.Chart:
    """Share of the day's first truck rolls that completed the job, as a line over the days."""
    data = daily.assign(rate=daily["completed_on_first_visit"] / daily["first_visits"])
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("visit_date:T", title="day of the first roll (UTC)"),
            y=alt.Y(
                "rate:Q",
                title="completed on the first roll",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("visit_date:T", title="day"),
                alt.Tooltip("first_visits:Q", title="first rolls"),
                alt.Tooltip("completed_on_first_visit:Q", title="completed"),
                alt.Tooltip("rate:Q", format=".1%"),
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


def _dots_deck(
    data: pd.DataFrame,
    layer_id: str,
    radius: int | str,
    radius_pixels: tuple[int, int],
    tooltip: str,
) -> pdk.Deck:
    """``data`` (with ``lat``, ``lon`` and a ``color`` column) as dots, with no basemap.

    ``map_provider=None`` keeps pydeck's style sentinel, which Streamlit reads as "no
    basemap"; ``map_style=None`` would make Streamlit fetch CARTO tiles instead.
    """
    layer = pdk.Layer(
        "ScatterplotLayer",
        data=data,
        id=layer_id,
        get_position=["lon", "lat"],
        get_fill_color="color",
        get_radius=radius,
        radius_min_pixels=radius_pixels[0],
        radius_max_pixels=radius_pixels[1],
        pickable=True,
    )
    view = pdk.ViewState(
        latitude=float(data["lat"].mean()),
        longitude=float(data["lon"].mean()),
        zoom=_zoom_for(data),
    )
    return pdk.Deck(
        layers=[layer], initial_view_state=view, map_provider=None, tooltip={"text": tooltip}
    )


def coverage_deck(points: pd.DataFrame) -> pdk.Deck:
    """Addresses as dots coloured by serviceability, with no basemap (works offline)."""
    data = points[["address_id", "region", "serviceability", "lat", "lon"]].copy()
    data["color"] = [SERVICEABILITY_COLORS.get(s, _UNKNOWN_COLOR) for s in data["serviceability"]]
    return _dots_deck(data, "addresses", 12, (2, 8), "{address_id} ({region})\n{serviceability}")


def splitter_deck(splitters: pd.DataFrame) -> pdk.Deck:
    """Splitters as dots coloured by utilisation band, sized by ports in use; no basemap."""
    data = splitters[
        [
            "splitter_id",
            "fdh_id",
            "utilisation_band",
            "active_subscribers",
            "port_count",
            "lat",
            "lon",
        ]
    ].copy()
    data["color"] = [UTILISATION_COLORS.get(b, _UNKNOWN_COLOR) for b in data["utilisation_band"]]
    data["radius"] = 15 + 2 * data["active_subscribers"].fillna(0)
    return _dots_deck(
        data,
        "splitters",
        "radius",
        (3, 14),
        "{splitter_id} ({fdh_id})\n{utilisation_band}: {active_subscribers} of {port_count} ports",
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


RX_BAND_COLORS: dict[str, str] = {
    "in window": "#2ea043",
    "marginal": "#ffb000",
    "out of window": "#d62728",
}


def rx_power_chart(
    readings: pd.DataFrame, window_dbm: tuple[float, float], warn_below_dbm: float
) -> alt.LayerChart:
    """Histogram of receive power (1 dB bins) over the shaded window, warn line dashed.

    Args:
        readings: One row per ONT with ``ont_rx_power_dbm`` and ``rx_band``.
        window_dbm: The receive window, lowest and highest dBm.
        warn_below_dbm: Power in the window but below this is marginal, dBm.
    """
    low, high = window_dbm
    power = readings["ont_rx_power_dbm"]
    extent = [
        math.floor(min(low - 3, float(power.min()))),
        math.ceil(max(high + 3, float(power.max()))),
    ]
    x_scale = alt.Scale(domain=extent)
    x_title = "latest ONT receive power (dBm)"
    window = (
        alt.Chart(pd.DataFrame({"low": [low], "high": [high]}))
        .mark_rect(color=RX_BAND_COLORS["in window"], opacity=0.08)
        .encode(x=alt.X("low:Q", scale=x_scale, title=x_title), x2="high:Q")
    )
    marks = pd.DataFrame(
        {
            "dbm": [low, warn_below_dbm, high],
            "mark": [f"window {low:g} dBm", f"warn below {warn_below_dbm:g} dBm", f"{high:g} dBm"],
        }
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeDash=[4, 4], color="#555555")
        .encode(
            x=alt.X("dbm:Q", scale=x_scale, title=x_title),
            tooltip=[alt.Tooltip("mark:N", title="limit")],
        )
    )
    bands = list(RX_BAND_COLORS)
    bars = (
        alt.Chart(readings)
        .mark_bar()
        .encode(
            x=alt.X(
                "ont_rx_power_dbm:Q",
                bin=alt.Bin(step=1, extent=extent),
                scale=x_scale,
                title=x_title,
            ),
            y=alt.Y("count():Q", title="ONTs"),
            color=alt.Color(
                "rx_band:N",
                sort=bands,
                scale=alt.Scale(domain=bands, range=list(RX_BAND_COLORS.values())),
                title=None,
            ),
            tooltip=[
                alt.Tooltip("ont_rx_power_dbm:Q", bin=alt.Bin(step=1, extent=extent), title="dBm"),
                alt.Tooltip("rx_band:N", title="band"),
                alt.Tooltip("count():Q", title="ONTs"),
            ],
        )
    )
    return alt.LayerChart(layer=[window, bars, rules])


INCIDENT_SCOPE_COLORS: dict[str, list[int]] = {
    "splitter": [214, 39, 40, 220],
    "fdh": [148, 103, 189, 220],
    "pon_port": [255, 127, 14, 220],
}


def incidents_deck(incidents: pd.DataFrame) -> pdk.Deck:
    """Incidents as dots at their plant element, coloured by scope, sized by subscribers down.

    No basemap, as :func:`coverage_deck`.
    """
    data = incidents[
        ["incident_id", "scope", "scope_id", "olt_id", "affected_subscribers", "lat", "lon"]
    ].copy()
    data["color"] = [INCIDENT_SCOPE_COLORS.get(s, _UNKNOWN_COLOR) for s in data["scope"]]
    data["radius"] = 40 + 10 * data["affected_subscribers"].fillna(0)
    return _dots_deck(
        data,
        "incidents",
        "radius",
        (6, 30),
        "{scope} {scope_id} ({olt_id})\n{affected_subscribers} subscribers down",
    )
