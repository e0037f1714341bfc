"""The normalisation table of :mod:`beian.detect.classifier.fastnorm` loads from the cache as
it is built: same entries, same expansions, same composition second halves (astral code points
are classified with them), same code points for texts that need them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import hashlib, sys
from beian.detect.classifier import fastnorm as f
table = f._table()
texts = ["ﬁ…㎏ＡＢ今天", "x" * 20000, "™½", "𝐀𝟎😀丽"]
codes, lengths = f.normalised_codes(texts)
h = hashlib.sha256(table.tobytes())
for e in f._EXPANSIONS:
    h.update(e.tobytes() + b"|")
h.update(codes.tobytes() + lengths.tobytes())
h.update(repr(sorted(f._second_halves())).encode())
print(h.hexdigest(), len(f._EXPANSIONS))
"""


def _run(cache: str) -> str:
    env = {**os.environ, "BEIAN_CACHE_DIR": cache}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_cached_table_equals_the_built_one(tmp_path: Path) -> None:
    built = _run("")  # no cache: built
    first = _run(str(tmp_path))  # built and written
    written = list((tmp_path / "classifier").glob("fastnorm-*.npz"))
    assert len(written) == 1
    assert _run(str(tmp_path)) == first == built  # loaded
    written[0].write_bytes(b"not an npz")
    assert _run(str(tmp_path)) == built  # a damaged file is rebuilt
    assert int(built.split()[1]) > 10  # the expansions came along
