"""Detection engine: which of the risks does a text carry, where, and why."""

from __future__ import annotations

from beian.detect.base import BaseDetector, Detector

__all__ = ["BaseDetector", "Detector"]
