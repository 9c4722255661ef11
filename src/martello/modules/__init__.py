"""The six bounded contexts. Each imports only the kernel, the web toolkit and other modules' contracts."""
