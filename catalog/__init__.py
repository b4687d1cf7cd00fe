"""Makers, plants, models, trims, options and their rules, prices, FX, taxes, the landed-cost quote."""
