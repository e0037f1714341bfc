"""Types of the compiled kernel built from ``_kernel.c`` (see :mod:`beian.text.batch`)."""

import numpy as np
import numpy.typing as npt

CHANGE: int
DELETE: int
SEP: int
SPECIAL: int
WIDE: int
MAX_SEPARATORS: int

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
