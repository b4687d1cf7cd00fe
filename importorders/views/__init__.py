"""Portal pages of importorders, one module per area.

- `orders`: the dealer's order pages (list, detail, create, amend, submit, cancel) under /orders/;
- `office`: the back office's order work (confirmation queue, scheduling) under /office/;
- `vins`: VIN assignment, one by one and from the plant's build list (back office);
- `changes`: change requests (the dealer's request, the back office's decision);
- `notifications`: the signed-in person's notifications, their choices, and watching an order.
"""
