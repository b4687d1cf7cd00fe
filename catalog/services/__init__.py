"""The catalog's services: the build-validity engine, the landed-cost quote, price-list writes."""
