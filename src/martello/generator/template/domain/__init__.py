"""Workshop domain: pure Python, no framework, no I/O."""
