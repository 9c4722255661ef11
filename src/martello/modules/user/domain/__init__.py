"""User domain: pure Python, no framework, no I/O (password hashing is slow I/O-like work: the application does it)."""
