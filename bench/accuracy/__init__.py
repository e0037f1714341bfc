"""Dev accuracy benchmark: per-source dev sets, detection systems, metrics and the report.

Run ``.venv/bin/python bench/accuracy/run.py --help``. See ``bench/accuracy/README.md``.
"""
