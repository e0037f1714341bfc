"""Built-in keyword detector (registered on import)."""
