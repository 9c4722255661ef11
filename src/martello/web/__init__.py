"""The HTTP toolkit module APIs share: problem documents, request context, command responses.

Framework-aware (FastAPI/Starlette), so it sits above the kernel and below the modules.
"""
