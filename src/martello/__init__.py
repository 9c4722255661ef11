"""Martello: a micro monolith online shop built on DDD, CQRS and Event Sourcing."""

__version__ = "0.1.0"
