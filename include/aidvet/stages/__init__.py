"""The vetting run's stages, one module each: extract -> validate -> screen -> decide -> publish.

Each stage reads what earlier stages left in the store, writes its own rows, and returns only
references (run id, URIs), so any stage can run on any worker and a retry replaces its own work.
"""
