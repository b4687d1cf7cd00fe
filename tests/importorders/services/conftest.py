from tests.catalog.conftest import camry  # noqa: F401 - the Camry world, priced, for orders
