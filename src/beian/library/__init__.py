"""Keyword library and question banks (§8): records, formats, quotas, cadence."""
