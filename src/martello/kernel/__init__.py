"""The building blocks every module uses. Standard library only, so it can be copied anywhere."""
