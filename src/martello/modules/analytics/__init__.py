"""The analytics context: projections only, over the other modules' integration events."""
