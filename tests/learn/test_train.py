"""`actorgraph train` on a small annotated folder in tmp_path (real texts of the corpus, real spaCy,
real model files): deterministic, loadable, refused when stale; the shipped model is the one the
corpus in the repository builds."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from actorgraph.extract.features import FEATURE_VERSION
from actorgraph.learn.data import corpus_hash, read_annotated
from actorgraph.learn.train import cross_validate
from actorgraph.extract.model import StaleModel, load_model, shipped_model_path

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
EXE = str(Path(sys.executable).with_name("actorgraph"))
PICKED = ["sudan-01-wire", "mali-01-wire", "kivu-01-wire", "syria-01-wire", "iraq-01-wire", "lebanon-01-wire",
          "af-pak-01-wire", "myanmar-01-wire"]


def actorgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def with_header_changed(model: Path, into: Path, old: str, new: str) -> Path:
    """A copy of a model file whose header says `new` where it said `old`."""
    with np.load(model, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    assert old in str(arrays["header"])
    arrays["header"] = np.array(str(arrays["header"]).replace(old, new))
    np.savez_compressed(into, **arrays)
    return into


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """Eight annotated wire reports from eight conflicts."""
    folder = tmp_path_factory.mktemp("annotated")
    for name in PICKED:
        for suffix in (".txt", ".gold.yaml"):
            shutil.copy(CORPUS / "train" / (name + suffix), folder)
    return folder


@pytest.fixture(scope="module")
def trained(small, tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("models")
    first = actorgraph("train", str(small), "-o", str(out / "a.npz"), "-C", "0.3", cwd=out)
    assert first.returncode == 0, first.stderr
    second = actorgraph("train", str(small), "-o", str(out / "b.npz"), "-C", "0.3", cwd=out)
    assert second.returncode == 0, second.stderr
    assert "cross-validated by conflict" in first.stdout
    return out / "a.npz", out / "b.npz"


def test_training_is_deterministic(trained):
    a, b = trained
    assert hashlib.sha256(a.read_bytes()).hexdigest() == hashlib.sha256(b.read_bytes()).hexdigest()


def test_the_model_carries_what_it_was_built_from(trained, small):
    model = load_model(trained[0])
    assert model.meta["corpus_hash"] == corpus_hash([small])
    assert model.meta["feature_version"] == FEATURE_VERSION and model.meta["documents"] == len(PICKED)
    assert 0.0 < model.threshold < 1.0 and model.modality is not None
    assert model.weights.shape == (13, len(model.vocabulary))


def test_each_predicate_has_a_default_threshold_and_min_confidence_sets_one_for_all(trained):
    model = load_model(trained[0])
    assert set(model.thresholds) <= set(model.labels)
    assert all(0.0 < t < 1.0 for t in model.thresholds.values())
    assert model.cut() == {label: model.thresholds.get(label, model.threshold) for label in model.labels}
    assert model.cut(0.7) == dict.fromkeys(model.labels, 0.7)


def test_extract_uses_a_given_model_and_min_confidence_filters(trained, tmp_path):
    text = tmp_path / "note.txt"
    text.write_text("Rwanda armed the M23 in 2022, UN experts said. The M23 captured Goma in January 2025.\n")
    every = actorgraph("extract", str(text), "--model", str(trained[0]), "--min-confidence", "0.01", cwd=tmp_path)
    few = actorgraph("extract", str(text), "--model", str(trained[0]), "--min-confidence", "0.99", cwd=tmp_path)
    assert every.returncode == few.returncode == 0
    assert len(few.stdout.splitlines()) < len(every.stdout.splitlines())
    wrong = actorgraph("extract", str(text), "--min-confidence", "1.5", cwd=tmp_path)
    assert wrong.returncode == 2 and "--min-confidence" in wrong.stderr


def test_a_stale_model_is_refused_with_the_command_that_rebuilds_it(trained, tmp_path):
    stale = with_header_changed(trained[0], tmp_path / "stale.npz", f'"feature_version": {FEATURE_VERSION}',
                                f'"feature_version": {FEATURE_VERSION - 1}')
    with pytest.raises(StaleModel, match="rebuild it with `actorgraph train"):
        load_model(stale)
    text = tmp_path / "note.txt"
    text.write_text("Rwanda armed the M23.\n")
    refused = actorgraph("extract", str(text), "--model", str(stale), cwd=tmp_path)
    assert refused.returncode != 0 and "features v" in refused.stderr


def test_the_shipped_model_is_built_from_the_corpus_in_the_repository():
    model = load_model(shipped_model_path())
    assert model.meta["corpus_hash"] == corpus_hash([CORPUS / "train"]), \
        "the corpus changed: rebuild with `actorgraph train corpus/train -o src/actorgraph/data/relation-model.npz`"
    assert model.meta["cv"]["typed_p_r_f1"][0] >= model.meta["cv_rules"]["typed_p_r_f1"][0]


def test_extra_texts_weigh_as_asked_and_the_model_says_so(small, tmp_path):
    base, extra = tmp_path / "base", tmp_path / "extra"
    for folder, names in ((base, PICKED[:5]), (extra, PICKED[5:])):
        folder.mkdir()
        for name in names:
            for suffix in (".txt", ".gold.yaml"):
                shutil.copy(small / (name + suffix), folder)
    runs = {}
    for weight in ("1", "4"):
        done = actorgraph("train", str(base), "--extra", str(extra), "--extra-weight", weight, "-C", "0.3",
                          "-o", str(tmp_path / f"w{weight}.npz"), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        runs[weight] = load_model(tmp_path / f"w{weight}.npz")
    assert runs["4"].meta["extra_weight"] == 4.0 and runs["1"].meta["extra_weight"] == 1.0
    assert not np.allclose(runs["4"].weights, runs["1"].weights)
    refused = actorgraph("train", str(base), "--extra", str(extra), "--extra-weight", "0", "-o",
                         str(tmp_path / "w0.npz"), cwd=tmp_path)
    assert refused.returncode == 1 and "weight of the extra texts must be positive" in refused.stderr


def test_the_boosted_family_extracts_and_gets_thresholds_per_predicate_too(small):
    examples = read_annotated([small])
    result = cross_validate(examples, "boosted", rules_precision=0.0)
    assert set(result["thresholds"]) <= set(load_model(shipped_model_path()).labels)
    assert 0.0 <= result["typed_p_r_f1"][2] <= 1.0
