"""The catalog context: catalogs with a lifecycle, holding the products the shop can sell."""
