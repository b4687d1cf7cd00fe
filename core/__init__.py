"""What every app shares: errors, the API exception handler, scoping, pagination, health."""
