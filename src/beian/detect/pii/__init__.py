"""Built-in pii detector (registered on import)."""
