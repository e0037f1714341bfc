"""A trained classifier on disk and in memory: weights, thresholds and where they came from.

A model directory holds ``weights.npz`` (``W``: float16 ``[2**bits, n_risks]``, ``b``: float32
``[n_risks]``) and ``model.json`` (:class:`ModelMeta`). The npz is written with fixed zip
timestamps so that the same training run always produces byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, ValidationError

from beian.cachedir import cache_dir, load_or_build, write_atomic
from beian.detect.classifier.features import (
    Batch,
    column_kernel_available,
    column_sums,
    featurise,
    kernel_row_sums,
    unigram_buckets,
)
from beian.detect.classifier.pairwise import segment_sums
from beian.detect.classifier.weights_cache import cached_weights, scoring_table
from beian.errors import ConfigError

WEIGHTS_FILE = "weights.npz"
META_FILE = "model.json"
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 512  # texts per scoring chunk
_CHUNK_CHARS = 1 << 20  # and at most about this many characters (bounds featurisation memory)
_COLUMN_CHUNK_CHARS = 1 << 16
"""Characters per chunk of :meth:`ClassifierModel.column_scores`: its arrays (8 bytes per n-gram,
three n-grams per character) then stay in the CPU caches, which halves its time on long
documents against 1 MB chunks. Every text is scored alone, so the chunking changes no score."""
_DIRECT_MAX = 1 << 13  # up to this many features, plain reduceat beats the chunked path's setup


class SourceRecord(BaseModel):
    """One input of the training recipe with its digest, so a model can be traced to its data."""

    model_config = ConfigDict(frozen=True)

    name: str
    sha256: str
    records: int


class ModelMeta(BaseModel):
    """Everything about a model except its weights (``model.json``)."""

    model_config = ConfigDict(frozen=True)

    format: int = 1
    version: str
    bits: int
    min_norm: int = 1
    """Feature-norm floor in n-grams (see :func:`featurise`); 1 for models older than it."""
    risks: tuple[str, ...]
    thresholds: dict[str, float]
    seed: int
    epochs: int
    weights_sha256: str = ""
    recipe: str = ""
    sources: tuple[SourceRecord, ...] = ()
    train_counts: dict[str, int] = {}
    """Positive training examples per risk (benign examples under ``"benign"``)."""
    synthetic_counts: dict[str, int] = {}
    """Of those, how many are beian's own authored (synthetic) examples."""
    notes: str = ""


def _npz_bytes(arrays: dict[str, npt.NDArray[np.generic]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, arr in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, member.getvalue(), compresslevel=9)
    return buf.getvalue()


@dataclass(frozen=True, slots=True)
class ClassifierModel:
    """Weights plus metadata; ``scores`` is the hot path."""

    weights: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]
    meta: ModelMeta
    cache_key: str = field(default="", repr=False, compare=False)
    """The SHA-256 of the weights file it was loaded from ("" for a model built in memory):
    names its derived tables in the cache (see :func:`_cached_vector`)."""
    _table: npt.NDArray[np.float32] = field(init=False, repr=False, compare=False)
    _columns: dict[int, npt.NDArray[np.float32]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # Scoring gathers rows of this copy: columns padded to a multiple of 8 (aligned rows)
        # and one extra all-zero row that pads partial blocks (see pairwise).
        # (Weights loaded from the cache already sit in such a table: it is used as it is.)
        object.__setattr__(self, "_table", scoring_table(self.weights))

    @property
    def risks(self) -> tuple[str, ...]:
        """Risk ids, one per score column."""
        return self.meta.risks

    def threshold_vector(self) -> npt.NDArray[np.float32]:
        """Per-risk decision thresholds in column order."""
        return np.array([self.meta.thresholds[r] for r in self.meta.risks], dtype=np.float32)

    def logits_of(self, batch: Batch) -> npt.NDArray[np.float32]:
        """Raw scores ``X @ W + b`` for an already featurised batch.

        Bit for bit the float32 result of ``np.add.reduceat(W[index] * value, indptr, axis=0)
        + b`` (the computation the thresholds were tuned with); large batches are evaluated in
        bounded chunks by :func:`.pairwise.segment_sums`. Like every :class:`Batch` from
        :func:`featurise`, ``batch`` must give all features of a document the same value.
        """
        out = np.tile(self.bias, (batch.n_docs, 1))
        if batch.index.size == 0:
            return out
        if batch.index.size <= _DIRECT_MAX:  # the reference computation itself
            rows = self.weights[batch.index]
            rows *= batch.value[:, None]
            filled = np.flatnonzero(np.diff(batch.indptr) > 0)
            out[filled] += np.add.reduceat(rows, batch.indptr[filled], axis=0)
            return out
        docs, sums = segment_sums(self._table, batch.index, batch.indptr, _doc_values(batch))
        out[docs] += sums[:, : out.shape[1]]
        return out

    def scores(self, texts: Sequence[str], kernel: bool = True) -> npt.NDArray[np.float32]:
        """Probabilities ``[len(texts), n_risks]``, columns in ``self.risks`` order.

        With the compiled kernel (``kernel=False`` or ``BEIAN_NO_KERNEL=1``: numpy only) each
        text is normalised, hashed and summed in one C pass, every column in the order of
        :meth:`logits_of` (bit for bit; tests/detect/classifier/test_column_kernel.py)."""
        found = (
            kernel_row_sums(texts, self.meta.bits, self.meta.min_norm, self._table)
            if kernel and len(texts)
            else None
        )
        if found is not None:
            sums, counts, left = found
            logits = np.tile(self.bias, (len(texts), 1))
            filled = np.flatnonzero(counts > 0)
            logits[filled] += sums[filled, : logits.shape[1]]
            if left:  # texts the kernel leaves to numpy (beyond the BMP, not simple)
                rest = featurise([texts[i] for i in left], self.meta.bits, self.meta.min_norm)
                logits[left] = self.logits_of(rest)
            return _sigmoid(logits)
        out = np.empty((len(texts), len(self.risks)), dtype=np.float32)
        for start, stop in _chunks(texts):
            chunk = texts[start:stop]
            logits = self.logits_of(featurise(chunk, self.meta.bits, self.meta.min_norm))
            out[start:stop] = _sigmoid(logits)
        return out

    def column_scores(
        self, texts: Sequence[str], column: int, digits: bool = False
    ) -> npt.NDArray[np.float32]:
        """``scores(texts)[:, column]``, bit for bit, gathering one weight per n-gram, not one
        row of every column: a tenth of the work on long texts (the harm detector needs the
        other columns only for the few texts it reports). ``digits``: score the texts with
        their digit runs folded (``scores([fold_digit_runs(t) for t in texts])[:, column]``)."""
        table = self._column_table(column)
        weights = table[:, 0]
        unigrams = self._unigram_weights(column)
        out = np.empty(len(texts), dtype=np.float32)
        # The compiled kernel scores each text on its own, in one call for the whole batch
        # (no arrays per n-gram to keep in the caches); the numpy code goes by chunks.
        whole = column_kernel_available() and len(texts) > 0
        for start, stop in [(0, len(texts))] if whole else _chunks(texts, _COLUMN_CHUNK_CHARS):
            # The reference computation itself on one weight per n-gram (4 bytes each, so
            # no chunking is needed): numpy's reduceat sums each column of the [n, risks]
            # block as a[0] + pairwise(a[1:]), exactly as it sums this one column alone
            # (tests/detect/classifier and tests/detect/harm compare them bit for bit; the
            # kernel's C sums too, see features.column_sums).
            sums, counts = column_sums(
                texts[start:stop], self.meta.bits, self.meta.min_norm, digits, weights, unigrams
            )
            logits = np.full((stop - start, 1), self.bias[column], dtype=np.float32)
            filled = np.flatnonzero(counts > 0)
            logits[filled, 0] += sums[filled]
            out[start:stop] = _sigmoid(logits)[:, 0]
        return out

    def _unigram_weights(self, column: int) -> npt.NDArray[np.float32]:
        key = -1 - column  # beside the column tables, under keys of their own
        cached = self._columns.get(key)
        if cached is None:
            cached = self._columns[key] = self._derived(
                f"uni{column}",
                (1 << 16,),
                lambda: np.ascontiguousarray(
                    self._column_table(column)[:, 0].take(unigram_buckets(self.meta.bits))
                ),
            )
        return cached

    def _column_table(self, column: int) -> npt.NDArray[np.float32]:
        cached = self._columns.get(column)
        if cached is None:  # [rows + 1, 1]: the column and the zero padding row of _table
            cached = self._columns[column] = self._derived(
                f"col{column}",
                (len(self._table), 1),
                lambda: np.ascontiguousarray(self._table[:, column : column + 1]),
            )
        return cached

    def _derived(
        self, name: str, shape: tuple[int, ...], build: Callable[[], npt.NDArray[np.float32]]
    ) -> npt.NDArray[np.float32]:
        """``build()``, or the same values mapped from the cache for a model loaded from a file:
        gathering one column reads every page of the 16 MB table (2 ms, and 3,000 page faults
        for one short text)."""
        if not self.cache_key:
            return build()
        return _cached_vector(f"{self.cache_key}.{name}", shape, build)

    def save(self, directory: Path) -> None:
        """Write ``weights.npz`` and ``model.json`` (the digest of the weights goes in the JSON)."""
        directory.mkdir(parents=True, exist_ok=True)
        blob = _npz_bytes({"W": self.weights.astype(np.float16), "b": self.bias.astype(np.float32)})
        (directory / WEIGHTS_FILE).write_bytes(blob)
        meta = self.meta.model_copy(update={"weights_sha256": hashlib.sha256(blob).hexdigest()})
        text = json.dumps(
            meta.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True
        )
        (directory / META_FILE).write_text(text + "\n", encoding="utf-8")


def _sigmoid(logits: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    # Long texts can push a logit past float32's exp range; at +-60 the sigmoid is already 0
    # or 1 to float32 precision, so clipping changes no score.
    out = 1.0 / (1.0 + np.exp(-np.clip(logits, -60.0, 60.0)))
    return out.astype(np.float32, copy=False)  # float32 already (NEP 50): no copy


def _doc_values(batch: Batch) -> npt.NDArray[np.float32]:
    """``[n_docs, 1]``: the one feature value of each document (0 for an empty one)."""
    counts = np.diff(batch.indptr)
    value = np.zeros((batch.n_docs, 1), dtype=np.float32)
    nonempty = counts > 0
    value[nonempty, 0] = batch.value[batch.indptr[:-1][nonempty]]
    return value


def _chunks(texts: Sequence[str], max_chars: int = _CHUNK_CHARS) -> list[tuple[int, int]]:
    """Consecutive ``[start, stop)`` ranges of at most ``_CHUNK`` texts and ~``max_chars``."""
    out: list[tuple[int, int]] = []
    start, chars = 0, 0
    for i, text in enumerate(texts):
        if i > start and (i - start >= _CHUNK or chars + len(text) > max_chars):
            out.append((start, i))
            start, chars = i, 0
        chars += len(text)
    if start < len(texts):
        out.append((start, len(texts)))
    return out


def _read(weights: bytes | Path, meta_text: str, where: str) -> ClassifierModel:
    """The model from ``weights.npz`` (its bytes, or its file) and ``model.json``'s text."""
    try:
        meta = ModelMeta.model_validate_json(meta_text)
    except ValidationError as exc:
        raise ConfigError(
            f"{where}: {META_FILE} is not a valid model description ({exc.error_count()} errors)"
        ) from None
    digest = _file_digest(weights) if isinstance(weights, Path) else None
    if digest is None:
        if isinstance(weights, Path):
            path, weights = weights, weights.read_bytes()
            digest = hashlib.sha256(weights).hexdigest()
            _remember_digest(path, digest)
        else:
            digest = hashlib.sha256(weights).hexdigest()
    if meta.weights_sha256 and digest != meta.weights_sha256:
        raise ConfigError(f"{where}: {WEIGHTS_FILE} does not match the digest in {META_FILE}")
    source = weights if isinstance(weights, Path) else io.BytesIO(weights)
    try:
        with np.load(source, allow_pickle=False) as npz:
            b = npz["b"].astype(np.float32)
            shape = (2**meta.bits, len(meta.risks))
            w = cached_weights(digest, shape, lambda: npz["W"].astype(np.float32))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ConfigError(f"{where}: cannot read {WEIGHTS_FILE} ({exc})") from None
    if w.shape != (2**meta.bits, len(meta.risks)) or b.shape != (len(meta.risks),):
        raise ConfigError(f"{where}: weight shapes do not match {META_FILE}")
    missing = [r for r in meta.risks if r not in meta.thresholds]
    if missing:
        raise ConfigError(f"{where}: no threshold for {missing}")
    return ClassifierModel(weights=w, bias=b, meta=meta, cache_key=digest)


def _cached_vector(
    name: str, shape: tuple[int, ...], build: Callable[[], npt.NDArray[np.float32]]
) -> npt.NDArray[np.float32]:
    """A float32 array of ``shape`` derived from a model's weights, cached as its raw
    little-endian bytes (``classifier/<name>.f32``) and mapped read-only."""
    size = 4 * int(np.prod(shape))

    def load(data: bytes) -> npt.NDArray[np.float32]:
        if len(data) != size:
            raise ValueError("a derived table of another size")
        arr = np.frombuffer(data, dtype="<f4").astype(np.float32, copy=False).reshape(shape)
        arr.setflags(write=False)
        return arr

    def dump(arr: npt.NDArray[np.float32]) -> bytes:
        return np.ascontiguousarray(arr, dtype="<f4").tobytes()

    shape_tag = "x".join(map(str, shape))
    return load_or_build("classifier", f"{name}.{shape_tag}.f32", load, build, dump, mapped=True)


# The SHA-256 of a weights file keys its cached scoring table and is checked against
# model.json; reading and hashing the 7.6 MB of the harm model's weights cost every process
# about 8 ms. It is remembered under $BEIAN_CACHE_DIR/classifier/digests/, named after the
# file's path, size, modification time and inode, as make and the keyword cache judge files:
# a file written again (new time stamp or size) is read and hashed again.


def _digest_memo(path: Path) -> Path | None:
    folder = cache_dir("classifier")
    if folder is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = f"{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0{st.st_dev}"
    return folder / "digests" / f"{hashlib.sha256(stamp.encode()).hexdigest()}.sha256"


def _file_digest(path: Path) -> str | None:
    memo = _digest_memo(path)
    try:
        found = memo.read_text("ascii") if memo is not None else ""
    except (OSError, UnicodeDecodeError):
        return None
    return found if len(found) == 64 and all(c in "0123456789abcdef" for c in found) else None


def _remember_digest(path: Path, digest: str) -> None:
    memo = _digest_memo(path)
    if memo is not None:
        write_atomic(memo, digest.encode("ascii"))


def load_model(directory: Path | str | None = None) -> ClassifierModel:
    """Load a model directory, or the model shipped inside the package when ``None``."""
    if directory is None:
        ref = resources.files("beian.detect.classifier").joinpath("model")
        return _read(
            ref.joinpath(WEIGHTS_FILE).read_bytes(),
            ref.joinpath(META_FILE).read_text(encoding="utf-8"),
            "built-in classifier model",
        )
    path = Path(directory)
    if not (path / WEIGHTS_FILE).is_file() or not (path / META_FILE).is_file():
        raise ConfigError(
            f"{path}: not a classifier model directory (needs {WEIGHTS_FILE} and {META_FILE})"
        )
    return _read(
        path / WEIGHTS_FILE,
        (path / META_FILE).read_text(encoding="utf-8"),
        str(path),
    )
