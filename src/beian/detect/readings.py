"""Screen the evasion reading of texts that disguise themselves (encodings, interleaving).

A request sent as base64, as HTML character references or with an emoji between its characters
reads as noise to a detector, but a model reads straight through it. :func:`with_readings` runs
the detectors once over the texts plus the readings of those that have one
(:func:`beian.text.reading.evasion_reading`), in the same batch, and adds the reading's findings
to the original text's:

- a span finding on the reading counts only when it covers a changed character (one that does
  not was found on the original already); its span and evidence become the original's, and
  its ``why`` says what was undone;
- document-level findings (model scores) are taken on the reading only: the reading is what
  the text says, and a model's score on the disguise itself (zero-width characters, brackets
  around every character) measures the disguise, not the content.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from beian.records import Finding
from beian.text.reading import Reading, evasion_readings

Run = Callable[[Sequence[str]], list[list[Finding]]]


def with_readings(texts: Sequence[str], run: Run) -> list[list[Finding]]:
    """``run(texts)`` with the findings of evasion readings merged in (see module docstring)."""
    views = evasion_readings(texts)
    if not views:
        return run(texts)
    # A reading that only folds characters or drops invisible ones keeps every word of the
    # text, so it replaces the text; one that removes or decodes content is screened as well.
    alone = {i for i, v in views.items() if v.replaces}
    extra = [i for i in views if i not in alone]
    batch = [views[i].text if i in alone else t for i, t in enumerate(texts)]
    found = run([*batch, *(views[i].text for i in extra)])
    out = found[: len(texts)]
    for i in alone:
        out[i] = [m for m in (_mapped(f, views[i], every=True) for f in out[i]) if m is not None]
    for i, view_findings in zip(extra, found[len(texts) :], strict=True):
        out[i] = _merge(out[i], [_mapped(f, views[i]) for f in view_findings])
    return out


def _mapped(f: Finding, view: Reading, *, every: bool = False) -> Finding | None:
    """``f`` on ``view`` as a finding on the original (``None``: the original has it already)."""
    how = "reading: " + "+".join(view.kinds)
    why = f"{f.why}; {how}" if f.why else how
    if f.start is None or f.end is None:
        return replace(f, why=why)
    if f.end <= f.start or not (every or view.touches_change(f.start, f.end)):
        return None
    lo, hi = view.span(f.start, f.end)
    if every and not view.touches_change(f.start, f.end):
        why = f.why  # the original says exactly this here
    return replace(f, start=lo, end=hi, evidence=view.original[lo:hi], why=why)


def _merge(own: list[Finding], more: list[Finding | None]) -> list[Finding]:
    merged = [f for f in own if f.start is not None]
    return merged + [f for f in more if f is not None]
