"""Built-in classifier detector (registered on import).

A multi-label model over the 31 risks: hashed character 1–3-grams, one-vs-rest logistic
regression trained with numpy, shipped as ``model/weights.npz`` + ``model/model.json``.
"""

from __future__ import annotations

from beian.detect.classifier.detector import ClassifierDetector, ClassifierOptions, make_classifier
from beian.detect.classifier.model import ClassifierModel, ModelMeta, load_model

__all__ = [
    "ClassifierDetector",
    "ClassifierModel",
    "ClassifierOptions",
    "ModelMeta",
    "load_model",
    "make_classifier",
]
