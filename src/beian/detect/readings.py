"""Screen the evasion reading of texts that disguise themselves (encodings, interleaving).

A request sent as base64, as HTML character references or with an emoji between its characters
reads as noise to a detector, but a model reads straight through it. :func:`screen` runs the
detectors once over the texts plus the readings of those that have one
(:func:`beian.text.reading.evasion_readings`), in the same batch. The ``DetectorSet`` then
scores a reading on its own text (so corroboration windows and distinct terms are counted where
the words are, not over the encoded original) and reports its findings mapped back:

- a span finding on the reading is reported when it covers a changed character (one that does
  not was found on the original already); its span and evidence become the original's, and its
  ``why`` says what was undone;
- document-level findings (model scores) are taken on the reading only: the reading is what
  the text says, and a model's score on the disguise itself (zero-width characters, brackets
  around every character) measures the disguise, not the content;
- a reading that only folds or writes out characters (:attr:`Reading.replaces`) replaces the
  text; one that removes or rewrites text is screened as well as the original.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from beian.records import Finding
from beian.text.reading import Reading, evasion_readings

Run = Callable[[Sequence[str]], list[list[Finding]]]


@dataclass(frozen=True, slots=True)
class Screened:
    """One text's findings: on the original (``None`` when the reading replaces it) and, when
    it has a reading, on the reading (in the reading's positions)."""

    own: list[Finding] | None
    reading: Reading | None = None
    on_reading: tuple[Finding, ...] = ()

    def reported(self) -> list[Finding]:
        """The findings to report, all in the original's positions."""
        own = [] if self.own is None else self.own
        if self.reading is None:
            return own
        every = self.own is None
        mapped = (_mapped(f, self.reading, every=every) for f in self.on_reading)
        kept = [f for f in own if f.start is not None]  # model scores: the reading's
        return kept + [f for f in mapped if f is not None]


def screen(texts: Sequence[str], run: Run, *, normalised: bool = False) -> list[Screened]:
    """Findings of ``run`` on every text and on the readings of those that have one.

    ``normalised``: every detector in ``run`` sees only normalised text, so readings that only
    fold what the normaliser folds are skipped (see :data:`beian.text.reading.NORMALISED_KINDS`).
    """
    views = evasion_readings(texts, normalised=normalised)
    if not views:
        return [Screened(found) for found in run(texts)]
    alone = {i for i, v in views.items() if v.replaces}
    extra = [i for i in views if i not in alone]
    batch = [views[i].text if i in alone else t for i, t in enumerate(texts)]
    found = run([*batch, *(views[i].text for i in extra)])
    out: list[Screened] = []
    on_extra = dict(zip(extra, found[len(texts) :], strict=True))
    for i, own in enumerate(found[: len(texts)]):
        if i in alone:
            out.append(Screened(None, views[i], tuple(own)))
        elif i in on_extra:
            out.append(Screened(own, views[i], tuple(on_extra[i])))
        else:
            out.append(Screened(own))
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
