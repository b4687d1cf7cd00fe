"""Certification routes, document types, requirements, documents, reviews, vehicle readiness."""
