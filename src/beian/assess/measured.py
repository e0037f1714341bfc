"""Measured per-risk detection: what 8.4 and 9.2 c / 9.3 d rest on instead of model outputs.

A model with 31 outputs does not "cover" 31 risks; a risk is covered when the classifier was
measured to find it. Measurements are the JSON of ``beian classifier eval --json`` run on
labelled data (the provider's own, or a benchmark) and saved under the workspace's
``measurements/`` folder. A file counts only for the model it measured (its weights SHA-256);
several files are pooled per risk. The shipped accuracy benchmark (docs/accuracy-bench.json)
measures detection per *source* (binary harmful/benign), not per risk, so it cannot show
coverage and is not read here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from beian.assess.evidence import EvidenceRef, Msg
from beian.digest import sha256_file
from beian.stats import wilson


@dataclass(frozen=True, slots=True)
class RiskRecall:
    """Pooled recall of one risk over the measurement files."""

    risk: str
    support: int
    found: int

    @property
    def recall(self) -> float:
        return self.found / self.support if self.support else 0.0

    @property
    def low(self) -> float:
        """Lower end of the 95 % Wilson interval of the recall."""
        return wilson(self.found, self.support)[0]


@dataclass(frozen=True, slots=True)
class Measured:
    """What the measurement files say about the model in use."""

    per_risk: dict[str, RiskRecall]
    evidence: list[EvidenceRef]
    notes: list[Msg]


def _read(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("per_risk"), dict) else None


def load(folder: Path, weights_sha256: str) -> Measured:
    """Pool the per-risk counts of every measurement of the model ``weights_sha256``."""
    support: dict[str, int] = {}
    found: dict[str, int] = {}
    refs: list[EvidenceRef] = []
    notes: list[Msg] = []
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    for path in files:
        data = _read(path)
        if data is None:
            continue
        model = data.get("model")
        sha = model.get("weights_sha256") if isinstance(model, dict) else None
        if sha != weights_sha256:
            notes.append(
                Msg(
                    zh=f"{path.name} 测的不是当前分类模型（权重摘要不同），未采用",
                    en=f"{path.name} measured another classifier (weights differ); not used",
                )
            )
            continue
        per_risk = data["per_risk"]
        assert isinstance(per_risk, dict)
        for risk, row in per_risk.items():
            if isinstance(row, dict):
                support[risk] = support.get(risk, 0) + int(row.get("support", 0))
                found[risk] = found.get(risk, 0) + int(row.get("tp", 0))
        refs.append(
            EvidenceRef(kind="file", ref=str(path), sha256=sha256_file(path), note="measured")
        )
    pooled = {r: RiskRecall(r, support[r], found.get(r, 0)) for r in support}
    return Measured(pooled, refs, notes)
