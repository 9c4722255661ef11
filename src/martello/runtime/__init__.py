"""The runtime: configuration, topology, the ASGI app, the supervisor and the CLI."""
