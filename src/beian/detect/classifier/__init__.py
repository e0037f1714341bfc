"""Built-in classifier detector (registered on import)."""
