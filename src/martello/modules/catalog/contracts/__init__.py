"""What the catalog tells other modules. Other modules may import this package and nothing else."""

from martello.modules.catalog.contracts.events import ProductBecameSellable, ProductWithdrawn, SellableProductRepriced

__all__ = ["ProductBecameSellable", "ProductWithdrawn", "SellableProductRepriced"]
