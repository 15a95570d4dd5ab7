"""Reporting's pure rules: disclosure control, spreadsheet safety, charts, figures.

Nothing here does I/O or imports asyncpg, FastAPI, FastStream or aiokafka.
"""
