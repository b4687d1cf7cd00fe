"""The catalog reads that price and check a build, kept in this process under the catalog's stamp.

catalog.versioning.by_version wraps each: the same arguments under the same stamp read the
database once. The quote (catalog.services.quote) and the engine's validation
(catalog.services.configuration) call these, so pricing an order at submit, amendment or
confirmation reads no catalog table while the catalog is unchanged.
"""

from __future__ import annotations

from catalog.selectors import configuration, pricing
from catalog.versioning import by_version

trim_configuration_data = by_version(configuration.trim_configuration_data)
price_list_in_effect = by_version(pricing.price_list_in_effect)
fx_rate_on = by_version(pricing.fx_rate_on)
trim_price = by_version(pricing.trim_price)
option_prices = by_version(pricing.option_prices)
color_price = by_version(pricing.color_price)
model_logistics = by_version(pricing.model_logistics)
tax_rules_in_effect = by_version(pricing.tax_rules_in_effect)
recycling_deposit_on = by_version(pricing.recycling_deposit_on)
model_fees = by_version(pricing.model_fees)
automobile_tax_bracket_for = by_version(pricing.automobile_tax_bracket_for)
