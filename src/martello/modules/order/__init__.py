"""The order context: orders from checked-out carts, driven with the warehouse by a process manager."""
