"""The cart context: one open cart per user, priced from the catalog's integration events."""
