"""Streamlit dashboards: read the published marts, never the warehouse."""
