"""Highlight reports: each strand's monthly report, pre-filled from live data, reviewed by the PMO."""
