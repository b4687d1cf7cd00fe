"""Reads of the catalog; reference data is the same for every caller."""
