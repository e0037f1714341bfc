"""Built-in refusal detector (registered on import)."""
