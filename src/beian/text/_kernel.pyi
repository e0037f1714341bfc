"""Types of the compiled kernel built from ``_kernel.c`` (see :mod:`beian.text.batch`)."""

import numpy as np
import numpy.typing as npt

CHANGE: int
DELETE: int
SEP: int
SPECIAL: int
WIDE: int
MAX_SEPARATORS: int
R_HAN: int
R_STRONG: int
R_PUNCT: int
R_TRADITIONAL: int
R_BASE64: int
MAX_STRONG_SPAN: int

def fold16(
    texts: list[str],
    tables: tuple[
        npt.NDArray[np.uint16],
        npt.NDArray[np.uint8],
        npt.NDArray[np.bool_],
        npt.NDArray[np.uint32],
        npt.NDArray[np.uint8],
        npt.NDArray[np.bool_],
    ],
    /,
) -> (
    bytes
    | tuple[
        bytearray,
        bytearray,
        bytearray,
        bytearray,
        bytearray | None,
        bytearray | None,
        bytearray | None,
        bool,
    ]
):
    """The 16-bit fold of ``texts`` joined by U+0000 (tables: the 16-bit mapping, classes and
    Han flags, then the full ones): ``(units, raw, unit_starts, offsets, deleted, inserted,
    surrogates, all_ascii)`` as bytearrays (``None``: empty), or one byte per text, 1 for
    those that need the code-point path."""

def scan_readings(
    texts: list[str],
    classes: npt.NDArray[np.uint8],
    min_base64: int,
    phrases: tuple[str, ...],
    /,
) -> tuple[bytearray, bytearray, bytearray, bytearray, bytearray, bytearray]:
    """For :func:`beian.text.reading.evasion_readings`: per text, the OR of the reading class
    bits (uint8), flags (uint8; 1: a long base64 run of mixed case, 2: one of ``phrases`` around
    some 读, 4: holds "read" or "Read"), traditional and Han characters (intp), then the chain
    candidates as an index (intp, one more than the texts) into their positions (intp, in each
    text's own)."""

def fold_traditional(
    text: str, classes: npt.NDArray[np.uint8], mapping: npt.NDArray[np.uint32], /
) -> tuple[str, bytearray]:
    """``text`` with every character of class TRADITIONAL folded through ``mapping`` (lone
    surrogates as "?"), and one byte per character: 1 where it was folded."""

def interleaved(text: str, starts: list[int], punct: str, pairs: str, /) -> list[tuple[int, int]]:
    """``[start, end)`` of the fillers of the interleaving chains walked from the candidates
    ``starts`` (``punct``: the sentence punctuation; ``pairs``: opener, closer, ...)."""

def asks_backwards(text: str, phrases: tuple[str, ...], /) -> bool:
    """Whether one of ``phrases`` lies wholly within six characters before and four after some
    读 of ``text``."""

def filler_positions(
    units: npt.NDArray[np.uint16],
    fillers: npt.NDArray[np.uint8],
    han: npt.NDArray[np.bool_],
    letter: int,
    max_units: int,
    /,
) -> bytearray:
    """Positions (intp) of filler units in runs between two CJK units (``fillers``: the class
    of every code unit; a run: up to ``max_units`` units without a ``letter``, or one letter)."""

def trigger_positions(units: npt.NDArray[np.uint16], /) -> bytearray:
    """Positions (intp) of the code units that are a digit or "@", ASCII or full-width."""

_NormTables = tuple[
    npt.NDArray[np.uint32],
    npt.NDArray[np.bool_] | None,
    npt.NDArray[np.uint32],
    npt.NDArray[np.int64],
]
"""fastnorm's table, its digit flags (or None), the expansions' code points and where each starts."""

def harm_sums(
    texts: list[str],
    tables: _NormTables | None,
    digits: bool,
    bits: int,
    min_norm: int,
    column: npt.NDArray[np.float32],
    unigrams: npt.NDArray[np.float32],
    /,
) -> tuple[bytearray, bytearray, bytearray]:
    """For :func:`beian.detect.classifier.features.column_sums`: per text, the float32 sum of
    ``column`` over its hashed 1-3-grams times its feature value, in ``np.add.reduceat``'s
    order, and its number of n-grams (int64); then the indices (intp) of the texts left to the
    numpy code. ``tables``: fastnorm's table, its digit flags (``digits``), the expansions and
    where each starts; ``None``: the texts are already normalised."""

def harm_rows(
    texts: list[str],
    tables: _NormTables | None,
    digits: bool,
    bits: int,
    min_norm: int,
    table: npt.NDArray[np.float32],
    width: int,
    /,
) -> tuple[bytearray, bytearray, bytearray]:
    """For :meth:`beian.detect.classifier.model.ClassifierModel.scores`: like
    :func:`harm_sums` for every column of ``table`` (``[rows, width]`` float32, every n-gram
    hashed): per text ``width`` float32 sums in ``np.add.reduceat``'s order along axis 0, its
    number of n-grams (int64), then the indices (intp) of the texts left to the numpy code."""
