"""Built-in llm_judge detector (registered on import)."""
