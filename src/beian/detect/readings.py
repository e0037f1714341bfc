"""Screen the evasion reading of texts that disguise themselves (encodings, interleaving).

A request sent as base64, as HTML character references or with an emoji between its characters
reads as noise to a detector, but a model reads straight through it. :func:`with_readings` runs
the detectors once over the texts plus the readings of those that have one
(:func:`beian.text.reading.evasion_reading`), in the same batch, and adds the reading's findings
to the original text's:

- a span finding on the reading counts only when it covers a changed character (one that does
  not was found on the original already); its span and evidence become the original's, and
  its ``why`` says what was undone;
- a document-level finding (a model score) replaces the original's for the same detector and
  risk when it is higher, so the two are not counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from beian.records import Finding
from beian.text.reading import Reading, evasion_reading

Run = Callable[[Sequence[str]], list[list[Finding]]]


def readings(texts: Sequence[str]) -> dict[int, Reading]:
    """Index → evasion reading, for the texts that have one."""
    views: dict[int, Reading] = {}
    for i, text in enumerate(texts):
        view = evasion_reading(text)
        if view is not None:
            views[i] = view
    return views


def with_readings(texts: Sequence[str], run: Run) -> list[list[Finding]]:
    """``run(texts)`` with the findings of evasion readings merged in (see module docstring)."""
    views = readings(texts)
    if not views:
        return run(texts)
    order = list(views)
    found = run([*texts, *(views[i].text for i in order)])
    out, extra = found[: len(texts)], found[len(texts) :]
    for i, view_findings in zip(order, extra, strict=True):
        out[i] = _merge(out[i], [_mapped(f, views[i]) for f in view_findings])
    return out


def _mapped(f: Finding, view: Reading) -> Finding | None:
    how = "reading: " + "+".join(view.kinds)
    why = f"{f.why}; {how}" if f.why else how
    if f.start is None or f.end is None:
        return replace(f, why=why)
    if f.end <= f.start or not view.touches_change(f.start, f.end):
        return None
    lo, hi = view.span(f.start, f.end)
    return replace(f, start=lo, end=hi, evidence=view.original[lo:hi], why=why)


def _merge(own: list[Finding], more: list[Finding | None]) -> list[Finding]:
    doc = {(f.detector, f.risk): k for k, f in enumerate(own) if f.start is None}
    merged = list(own)
    for f in more:
        if f is None:
            continue
        if f.start is None:
            k = doc.get((f.detector, f.risk))
            if k is None:
                doc[(f.detector, f.risk)] = len(merged)
                merged.append(f)
            elif f.score > merged[k].score:
                merged[k] = f
            continue
        merged.append(f)
    return merged
