"""Self-assessment report: sections build data, renderers format it."""
