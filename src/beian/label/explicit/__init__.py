"""Explicit (visible / audible) labels: add them and tell whether a file carries one."""
