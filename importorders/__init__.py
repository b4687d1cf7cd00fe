"""Dealers, quotas, orders and their events, vehicles, logistics partners, shipments."""
