"""The distributed topology's message bus: NATS JetStream (nats-py)."""

from martello.adapters.nats.bus import JetStreamBus

__all__ = ["JetStreamBus"]
