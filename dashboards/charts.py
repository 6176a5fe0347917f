"""Figures built from query results: no SQL, no widgets, just presentation."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pydeck as pdk

__all__ = ["SERVICEABILITY_COLORS", "activity_chart", "coverage_deck"]

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
