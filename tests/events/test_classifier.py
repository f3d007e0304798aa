"""Tests for the learned event classifier: featuriser, shipped model, training, dev floor."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.events.classifier import (
    NONE, TYPES, EventClassifier, FeatureSettings, LinearModel, featurize, feature_strings, hash_feature, stem,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"


@pytest.fixture(scope="module")
def shipped() -> EventClassifier:
    return EventClassifier.load()


def load_training_script():
    spec = importlib.util.spec_from_file_location("train_classifier", REPO / "scripts" / "train_classifier.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_classifier"] = module
    spec.loader.exec_module(module)
    return module


# -- featuriser ------------------------------------------------------------------------------

@pytest.mark.parametrize("inflected, base", [
    ("arrested", "arrest"), ("arrests", "arrest"), ("arresting", "arrest"),
    ("agreed", "agree"), ("agrees", "agree"), ("stopped", "stop"), ("shelled", "shell"),
    ("demonstrated", "demonstrate"), ("seized", "seize"), ("tried", "try"),
])
def test_stem_maps_inflections_to_one_key(inflected: str, base: str) -> None:
    assert stem(inflected) == stem(base)


def test_hash_feature_is_pinned_crc32() -> None:
    # Pinned values: a change here silently invalidates every shipped weight.
    assert hash_feature("w:police", 20) == 673030
    assert hash_feature("s:arrest", 20) == 271002
    assert hash_feature("b:polic arrest", 20) == 34329
    assert hash_feature("w:police", 16) == 673030 & 0xFFFF


def test_featurize_is_stable_sorted_and_l2_normalised() -> None:
    settings = FeatureSettings()
    buckets, values = featurize("Police arrested 40 protesters in Minsk.", settings)
    again, _ = featurize("Police arrested 40 protesters in Minsk.", settings)
    assert np.array_equal(buckets, again)
    assert np.all(np.diff(buckets) > 0)
    assert buckets.max() < 2 ** settings.n_bits
    assert np.isclose(float(np.sum(values ** 2)), 1.0)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("abcdeilnorsty0123 '\u2019`.-AEIST\u00e9\n")), max_size=80),
       options=st.tuples(st.integers(8, 24), st.booleans(), st.booleans(), st.booleans(), st.booleans()))
def test_featurize_hashes_the_features_it_names(text, options) -> None:
    # featurize carries CRCs over from each token instead of hashing every feature string: the
    # buckets must be exactly those of the named features, whatever the settings
    n_bits, words, stems, bigrams, trigrams = options
    feature_settings = FeatureSettings(n_bits, words, stems, bigrams, trigrams)
    named = sorted({hash_feature(f, n_bits) for f in feature_strings(text, feature_settings)})
    assert featurize(text, feature_settings)[0].tolist() == named


def test_feature_strings_fold_digits_and_case() -> None:
    features = feature_strings("Killed 36 SOLDIERS", FeatureSettings())
    assert "w:0" in features and "w:soldiers" in features
    assert "b:kill 0" in features


def test_featurize_of_empty_text_is_empty() -> None:
    buckets, values = featurize("  ...  ", FeatureSettings())
    assert buckets.size == 0 and values.size == 0


# -- linear model ----------------------------------------------------------------------------

def test_buckets_find_their_weight_rows_and_unseen_ones_none() -> None:
    model = LinearModel(labels=("A", "B"), buckets=np.array([3, 7, 40], dtype=np.int64),
                        weights=np.array([[1, 0], [0, 2], [3, 3]], dtype=np.float32),
                        bias=np.zeros(2, dtype=np.float32))
    assert model.row_of(np.array([0, 3, 7, 8, 40, 41, 2**20], dtype=np.int64)).tolist() == [-1, 0, 1, -1, 2, -1, -1]
    unseen_only = (np.array([5, 99], dtype=np.int64), np.full(2, 0.5, dtype=np.float32))
    both = (np.array([3, 40, 1000], dtype=np.int64), np.full(3, 0.5, dtype=np.float32))
    assert model.logits([unseen_only, both]).tolist() == [[0.0, 0.0], [2.0, 1.5]]


def test_shipped_logits_are_the_rows_a_binary_search_finds(shipped: EventClassifier) -> None:
    model = shipped.type_model
    rows = shipped.featurize(["Police arrested 12 protesters in Lagos on Friday.", "Zyzzyva qwerty."])
    expected = np.tile(model.bias, (len(rows), 1)).astype(np.float64)
    for i, (buckets, values) in enumerate(rows):
        pos = np.minimum(np.searchsorted(model.buckets, buckets), model.buckets.size - 1)
        known = model.buckets[pos] == buckets
        expected[i] += values[known] @ model.weights[pos[known]]
    assert np.array_equal(model.logits(rows), expected)


# -- shipped model ---------------------------------------------------------------------------

def test_shipped_model_predicts_one_distribution_per_text(shipped: EventClassifier) -> None:
    texts = ["Police arrested dozens of protesters", "Rebels shelled the city", ""]
    out = shipped.predict_type(texts)
    assert len(out) == len(texts)
    for probs in out:
        assert set(probs) == set(TYPES) | {NONE}
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-6)
        assert all(0.0 <= p <= 1.0 for p in probs.values())


def test_shipped_mode_distributions_sum_to_one_or_are_empty(shipped: EventClassifier) -> None:
    texts = ["Police arrested dozens of protesters", "The two leaders agreed to cooperate"]
    out = shipped.predict_mode(texts, ["COERCE", "AGREE"])
    assert sum(out[0].values()) == pytest.approx(1.0, abs=1e-6)
    assert "arrest" in out[0]
    assert out[1] == {}          # AGREE has no modes in PLOVER


def test_predict_mode_rejects_mismatched_lengths(shipped: EventClassifier) -> None:
    with pytest.raises(ValueError):
        shipped.predict_mode(["a sentence"], [])


def test_police_arrests_score_coerce_high(shipped: EventClassifier) -> None:
    probs = shipped.predict_type(["Police arrested dozens of protesters"])[0]
    assert max(probs, key=probs.get) == "COERCE"
    assert probs["COERCE"] > 0.5
    assert max(shipped.predict_mode(["Police arrested dozens of protesters"], ["COERCE"])[0].items(),
               key=lambda kv: kv[1])[0] == "arrest"


@pytest.mark.parametrize("text, expected", [
    ("Rebels shelled the city", "ASSAULT"),
    ("Thousands marched in the capital demanding the president resign", "PROTEST"),
    ("The foreign minister condemned the attack", "ACCUSE"),
])
def test_obvious_sentences_rank_their_type_first(shipped: EventClassifier, text: str, expected: str) -> None:
    probs = shipped.predict_type([text])[0]
    assert max(TYPES, key=probs.get) == expected


def test_small_talk_is_none(shipped: EventClassifier) -> None:
    probs = shipped.predict_type(["The minister said the weather was nice."])[0]
    assert max(probs, key=probs.get) == NONE


def test_shipped_model_json_names_its_training_inputs() -> None:
    meta = json.loads((REPO / "src/dateline/data/models/event_classifier.json").read_text())
    assert "synthetic_events_2023-10-19.csv" in meta["trained_from"]
    assert meta["models"]["type"]["labels"] == [*TYPES, NONE]


# -- training --------------------------------------------------------------------------------

def tiny_examples(module):
    Example = module.Example
    rows = [
        ("Police arrested protesters in the capital", "COERCE", "arrest"),
        ("Security forces detained opposition leaders", "COERCE", "arrest"),
        ("Authorities seized the newspaper's offices", "COERCE", "seize"),
        ("Police raided and seized property of activists", "COERCE", "seize"),
        ("Rebels shelled the city overnight", "ASSAULT", "heavy-weapons"),
        ("Artillery pounded rebel positions", "ASSAULT", "heavy-weapons"),
        ("Gunmen shot dead two villagers", "ASSAULT", "firearms"),
        ("Soldiers opened fire with rifles on the crowd", "ASSAULT", "firearms"),
        ("Thousands marched against the government", "PROTEST", "demo"),
        ("Demonstrators rallied outside parliament", "PROTEST", "demo"),
        ("Workers went on strike over pay", "PROTEST", "strike"),
        ("Teachers walked out in a national strike", "PROTEST", "strike"),
    ]
    labelled = [Example(text, label, 1.0, f"g{i % 4}", "lead", mode)
                for i, (text, label, mode) in enumerate(rows)]
    later = [Example("The city is known for its old bridges", "PROTEST", 0.0, "g0", "later"),
             Example("Weather was mild on Tuesday afternoon", "ASSAULT", 0.0, "g1", "later")]
    return labelled, later


def test_training_on_a_tiny_sample_is_deterministic(tmp_path: Path) -> None:
    module = load_training_script()
    labelled, later = tiny_examples(module)
    settings = FeatureSettings(n_bits=16)
    for run in ("a", "b"):
        module.train(labelled, later, [], settings, module.Report([]), n_folds=2).save(tmp_path / run)
    with np.load(tmp_path / "a/event_classifier.npz") as a, np.load(tmp_path / "b/event_classifier.npz") as b:
        assert sorted(a.files) == sorted(b.files)
        for name in a.files:
            assert np.array_equal(a[name], b[name]), name
    assert (tmp_path / "a/event_classifier.json").read_text() == (tmp_path / "b/event_classifier.json").read_text()


def test_tiny_model_round_trips_through_files(tmp_path: Path) -> None:
    module = load_training_script()
    labelled, later = tiny_examples(module)
    trained = module.train(labelled, later, [], FeatureSettings(n_bits=16), module.Report([]), n_folds=2)
    trained.save(tmp_path)
    loaded = EventClassifier.load(tmp_path)
    text = ["Police detained protesters"]
    # float16 storage moves probabilities by well under a percent.
    for k, v in trained.predict_type(text)[0].items():
        assert loaded.predict_type(text)[0][k] == pytest.approx(v, abs=5e-3)
    assert set(loaded.modes_for("ASSAULT")) == {"heavy-weapons", "firearms"}


@pytest.mark.parametrize("raw_type, raw_mode, expected", [
    ("COERCE", "SIEZE", "seize"), ("ASSAULT", "PRIMATIVE", "primitive"),
    ("ASSAULT", "EXECUTE", "targeted"), ("PROTEST", "STRIKE", "strike"),
    ("ASSAULT", "CLEANSING", None), ("AGREE", "", None), ("PROTEST", "NOT-A-MODE", None),
])
def test_synthetic_modes_normalise_to_manual_names(raw_type: str, raw_mode: str, expected: str | None) -> None:
    assert load_training_script().normalise_mode(raw_type, raw_mode) == expected


def test_sentence_splitter_keeps_abbreviations_together() -> None:
    split = load_training_script().split_sentences
    text = "U.S. troops left Kabul on Monday. Gen. Smith said it went well.\nA new line starts here."
    assert split(text) == ["U.S. troops left Kabul on Monday.", "Gen. Smith said it went well.",
                           "A new line starts here."]


# -- dev floor (measuring only: the dev gold never trains anything) --------------------------

@pytest.mark.shared
def test_plover_gsr_dev_type_top1_stays_above_floor(shipped: EventClassifier) -> None:
    path = SHARED / "eval" / "dev" / "plover_gsr_dev.jsonl"
    if not path.exists():
        pytest.skip(f"shared dev gold not found at {path}")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    probs = shipped.predict_type([r["text"] for r in records])
    hits = [max(TYPES, key=p.get) in {e["type"] for e in r["events"]} for p, r in zip(probs, records)]
    # Measured 0.415 (66/159) for the shipped model (MODEL_CARD.md); the floor leaves 4 sentences of slack.
    assert np.mean(hits) >= 0.39
