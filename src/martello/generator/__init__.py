"""`martello new`: generate a module, or a self-contained project, from Martello's own code.

The module template (`template/`, with its tests in `template-tests/`) is a real, minimal bounded context
named `workshop` with one aggregate, `Widget`: type-checked with the rest of Martello and generated (by
`tests/generator/`) into a checkout and into a project whose checks then run. Generating is copying it and
renaming those names (`names.py`, `rename.py`). A project's kernel, adapters, web toolkit and runtime are
copied from Martello's own source with `martello` rewritten to the project's package (`project.py`).
"""
