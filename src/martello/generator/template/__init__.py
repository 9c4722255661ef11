"""The workshop bounded context: widgets, each created with a name, renamed, and retired."""
