"""The assessment engine: sections turn a workspace's evidence into one conclusion per clause.

``assess`` runs every registered section (``sections/``, plugin kind ``report_section``) over a
workspace and returns an :class:`Assessment` (``evidence.py`` holds its records, ``context.py``
what a section may read). The ``report`` package only renders an Assessment; it imports from
here, never the other way round.
"""

from __future__ import annotations

from beian.assess.dossier import DossierInputs
from beian.assess.engine import (
    Assessment,
    assess,
    profile_of,
    with_dossier,
    write_assessment,
)

__all__ = [
    "Assessment",
    "DossierInputs",
    "assess",
    "profile_of",
    "with_dossier",
    "write_assessment",
]
