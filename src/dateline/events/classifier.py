"""Learned PLOVER type/mode scorer: hashed n-gram features and linear models, numpy only."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

#: The 16 PLOVER 2.0 event types (shared/spec/FORMATS.md), in the manual's order.
TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
#: The class for a sentence that reports no PLOVER event (background, comment, context).
NONE = "NONE"

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "models"
MODEL_STEM = "event_classifier"

_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"[a-z0]+(?:'[a-z]+)?")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    """How a text becomes hashed features; stored with the model so training and use agree."""

    n_bits: int = 20          # ~230k distinct training features in 2**20 buckets: ~20% share one, mostly rare n-grams
    word_unigrams: bool = True
    stem_unigrams: bool = True
    stem_bigrams: bool = True
    stem_trigrams: bool = False


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens with digit runs folded to '0' (counts and years carry no type)."""
    text = _DIGITS.sub("0", text.lower().translate(_QUOTES))
    return _TOKEN.findall(text)


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """A crude suffix stripper, so 'arrested', 'arrests' and 'arresting' share a feature.

    Not a lemmatiser: it only has to map inflections of one verb or noun to one key, and
    it has to be the same at training and at run time without spaCy.
    """
    if len(token) <= 2:
        return token
    if token.endswith("'s"):
        token = token[:-2]
    elif token.endswith("ies") and len(token) > 4:
        token = token[:-3] + "i"
    elif token.endswith("ied") and len(token) > 4:
        token = token[:-3] + "i"
    elif token.endswith("sses"):
        token = token[:-2]
    elif token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    for suffix in ("ing", "ed"):
        if token.endswith("eed"):       # 'agreed' -> 'agree', not 'agre'
            token = token[:-1]
            break
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            token = token[: -len(suffix)]
            # 'stopped' -> 'stopp' -> 'stop'; 'shelled' keeps its double l.
            if len(token) > 3 and token[-1] == token[-2] and token[-1] not in "aeioulsz":
                token = token[:-1]
            break
    if token.endswith("y") and len(token) >= 3:
        token = token[:-1] + "i"
    if token.endswith("e") and len(token) > 3:
        token = token[:-1]
    return token


def feature_strings(text: str, settings: FeatureSettings) -> list[str]:
    """The named features of one text, before hashing (kept public for inspection and tests)."""
    tokens = tokenize(text)
    stems = [stem(t) for t in tokens]
    features: list[str] = []
    if settings.word_unigrams:
        features.extend("w:" + t for t in tokens)
    if settings.stem_unigrams:
        features.extend("s:" + s for s in stems)
    if settings.stem_bigrams:
        features.extend(f"b:{a} {b}" for a, b in zip(stems, stems[1:]))
    if settings.stem_trigrams:
        features.extend(f"t:{a} {b} {c}" for a, b, c in zip(stems, stems[1:], stems[2:]))
    return features


def hash_feature(feature: str, n_bits: int) -> int:
    """CRC-32 of the UTF-8 bytes, masked: stable across Python versions and processes."""
    return zlib.crc32(feature.encode("utf-8")) & ((1 << n_bits) - 1)


#: CRC-32 of each feature kind's prefix: CRC-32 runs on, so crc32(rest, crc32(prefix)) is the
#: CRC-32 of the whole feature string, and a token's share can be worked out once.
_WORD, _STEM, _BIGRAM = (zlib.crc32(prefix) for prefix in (b"w:", b"s:", b"b:"))


@lru_cache(maxsize=65536)
def _token_crcs(token: str) -> tuple[int, int, int, bytes]:
    """A token's CRCs as a word unigram and as a stem unigram, the running CRC of a bigram it
    begins ("b:" + stem + " "), and its stem's bytes, which end a bigram."""
    stemmed = stem(token).encode("utf-8")
    return (zlib.crc32(token.encode("utf-8"), _WORD), zlib.crc32(stemmed, _STEM),
            zlib.crc32(b" ", zlib.crc32(stemmed, _BIGRAM)), stemmed)


def _hashes(text: str, settings: FeatureSettings) -> set[int]:
    """{hash_feature(f) for f in feature_strings(text)}, without making the strings: each token's
    CRCs are remembered, and a bigram's is its first stem's running CRC carried over the second's."""
    mask = (1 << settings.n_bits) - 1
    crcs = [_token_crcs(token) for token in tokenize(text)]
    out: set[int] = set()
    if settings.word_unigrams:
        out.update(c[0] & mask for c in crcs)
    if settings.stem_unigrams:
        out.update(c[1] & mask for c in crcs)
    if settings.stem_bigrams:
        out.update(zlib.crc32(second[3], first[2]) & mask for first, second in zip(crcs, crcs[1:]))
    if settings.stem_trigrams:
        out.update(hash_feature(f, settings.n_bits) for f in feature_strings(text, settings) if f[0] == "t")
    return out


def featurize(text: str, settings: FeatureSettings) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique bucket indices and their L2-normalised binary values for one text."""
    buckets = np.array(sorted(_hashes(text, settings)), dtype=np.int64)
    if buckets.size == 0:
        return buckets, np.zeros(0, dtype=np.float32)
    values = np.full(buckets.size, 1.0 / np.sqrt(buckets.size), dtype=np.float32)
    return buckets, values


@dataclass(slots=True)
class LinearModel:
    """Softmax over `labels` from weights kept only for the buckets seen in training."""

    labels: tuple[str, ...]
    buckets: np.ndarray        # (n_kept,) int64, sorted hashed bucket ids
    weights: np.ndarray        # (n_kept, n_labels) float32
    bias: np.ndarray           # (n_labels,) float32
    temperature: float = 1.0   # fitted on held-out logits so that probabilities are calibrated
    _rows: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)  # see row_of

    def row_of(self, buckets: np.ndarray) -> np.ndarray:
        """Each bucket's row in `weights`, -1 for a bucket unseen in training.

        A table as long as the bucket space (4 MB for 2**20, made on first use) costs one memory
        read a feature, where a binary search over `buckets` took about twenty, most of them
        misses in CPU caches that spaCy's parse has just filled (0.27 -> 0.15 ms an article)."""
        if self._rows is None:
            top = int(self.buckets.max()) + 1 if self.buckets.size else 0
            rows = np.full(top + 1, -1, dtype=np.int32)  # the last slot answers every larger bucket
            rows[self.buckets] = np.arange(self.buckets.size, dtype=np.int32)
            self._rows = rows
        return np.take(self._rows, buckets, mode="clip")

    def logits(self, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        out = np.tile(self.bias, (len(rows), 1)).astype(np.float64)
        for i, (buckets, values) in enumerate(rows):
            pos = self.row_of(buckets)
            known = pos >= 0
            if known.any():
                out[i] += values[known] @ self.weights[pos[known]]
        return out

    def proba(self, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        return softmax(self.logits(rows) / self.temperature)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


class EventClassifier:
    """Calibrated P(type) for a sentence or clause (incl. NONE), and P(mode | type).

    Texts are raw strings; the featuriser needs no spaCy, so the cascade can score a
    sentence, a clause or a headline alike.
    """

    def __init__(self, settings: FeatureSettings, type_model: LinearModel,
                 mode_models: dict[str, LinearModel], meta: dict | None = None) -> None:
        self.settings = settings
        self.type_model = type_model
        self.mode_models = mode_models
        self.meta = meta or {}

    @classmethod
    def load(cls, path: Path | None = None) -> EventClassifier:
        """Load `<stem>.json` + `<stem>.npz` from a directory (default: the shipped model)."""
        directory = Path(path) if path is not None else MODEL_DIR
        meta = json.loads((directory / f"{MODEL_STEM}.json").read_text(encoding="utf-8"))
        settings = FeatureSettings(**meta["features"])
        with np.load(directory / f"{MODEL_STEM}.npz", allow_pickle=False) as arrays:
            models = {
                name: LinearModel(
                    labels=tuple(spec["labels"]),
                    buckets=arrays[f"{name}.buckets"].astype(np.int64),
                    weights=arrays[f"{name}.weights"].astype(np.float32),
                    bias=arrays[f"{name}.bias"].astype(np.float32),
                    temperature=float(spec["temperature"]),
                )
                for name, spec in meta["models"].items()
            }
        type_model = models.pop("type")
        mode_models = {name.removeprefix("mode."): m for name, m in models.items()}
        return cls(settings, type_model, mode_models, meta)

    def save(self, directory: Path, extra_meta: dict | None = None) -> None:
        """Write the portable form: float16 weights in an .npz, labels and settings in JSON."""
        directory.mkdir(parents=True, exist_ok=True)
        named = {"type": self.type_model} | {f"mode.{t}": m for t, m in self.mode_models.items()}
        arrays: dict[str, np.ndarray] = {}
        specs: dict[str, dict] = {}
        for name, model in named.items():
            arrays[f"{name}.buckets"] = model.buckets.astype(np.int32)
            # float16 halves the file; logits move by < 1e-3, far below the calibration error.
            arrays[f"{name}.weights"] = model.weights.astype(np.float16)
            arrays[f"{name}.bias"] = model.bias.astype(np.float32)
            specs[name] = {"labels": list(model.labels), "temperature": model.temperature}
        np.savez_compressed(directory / f"{MODEL_STEM}.npz", **arrays)
        meta = dict(self.meta) | (extra_meta or {})
        meta["features"] = asdict(self.settings)
        meta["models"] = specs
        (directory / f"{MODEL_STEM}.json").write_text(
            json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    @property
    def type_labels(self) -> tuple[str, ...]:
        return self.type_model.labels

    def modes_for(self, event_type: str) -> tuple[str, ...]:
        """The modes the model can tell apart for a type (empty when it has none)."""
        model = self.mode_models.get(event_type)
        return model.labels if model is not None else ()

    def featurize(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        return [featurize(text, self.settings) for text in texts]

    def predict_type(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Calibrated P(type) over the 16 PLOVER types and NONE; each dict sums to 1."""
        proba = self.type_model.proba(self.featurize(texts))
        labels = self.type_model.labels
        return [dict(zip(labels, row.tolist())) for row in proba]

    def predict_mode(self, texts: Sequence[str], types: Sequence[str]) -> list[dict[str, float]]:
        """P(mode | type) for each text under the type given with it.

        A type without modes in the training data (AGREE, SUPPORT, CONCEDE, COOPERATE, AID,
        and NONE) gets an empty dict: the caller leaves `mode` null.
        """
        if len(texts) != len(types):
            raise ValueError(f"{len(texts)} texts but {len(types)} types")
        out: list[dict[str, float]] = [{} for _ in texts]
        rows = self.featurize(texts)
        for event_type in set(types):
            model = self.mode_models.get(event_type)
            if model is None:
                continue
            index = [i for i, t in enumerate(types) if t == event_type]
            proba = model.proba([rows[i] for i in index])
            for i, row in zip(index, proba):
                out[i] = dict(zip(model.labels, row.tolist()))
        return out
