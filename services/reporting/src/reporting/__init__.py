"""The reporting service: read models fed by every event, dashboards and exports."""
