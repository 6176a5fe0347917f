"""FiberOps dashboards: ``streamlit run dashboards/streamlit_app.py`` from the repo root."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="FiberOps", page_icon=":material/cable:", layout="wide")

navigation = st.navigation(
    [
        st.Page(
            PAGES_DIR / "overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),
        st.Page(PAGES_DIR / "review_queue.py", title="Review queue", icon=":material/rule:"),
        st.Page(
            PAGES_DIR / "coverage.py", title="Coverage and availability", icon=":material/map:"
        ),
        st.Page(PAGES_DIR / "sales.py", title="Sales funnel", icon=":material/storefront:"),
        st.Page(PAGES_DIR / "dispatch.py", title="Dispatch plan", icon=":material/route:"),
        st.Page(
            PAGES_DIR / "field_ops.py", title="Field operations", icon=":material/engineering:"
        ),
        st.Page(PAGES_DIR / "network.py", title="Network health", icon=":material/router:"),
        st.Page(PAGES_DIR / "order_to_cash.py", title="Order to cash", icon=":material/payments:"),
        st.Page(PAGES_DIR / "leakage.py", title="Revenue leakage", icon=":material/money_off:"),
        st.Page(PAGES_DIR / "arpu.py", title="ARPU", icon=":material/trending_up:"),
        st.Page(
            PAGES_DIR / "churn.py", title="Churn and retention", icon=":material/person_remove:"
        ),
        st.Page(
            PAGES_DIR / "subscriber.py", title="Subscriber 360°", icon=":material/person_search:"
        ),
    ]
)
navigation.run()
