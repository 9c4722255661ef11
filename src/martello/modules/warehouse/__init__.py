"""The warehouse context: stock per SKU, reserved for orders, released or shipped."""
