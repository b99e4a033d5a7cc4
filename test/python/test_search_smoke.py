"""End-to-end smoke runs of cim-aq-search (3 episodes) on digits and on a
tiny generated ImageFolder; same seed, same search."""

import csv
import json
import os

import numpy as np
import pytest

import search_helpers

ARGS = ["--episodes", "3", "--warmup", "1", "--float-epochs", "3",
        "--qat-epochs", "1", "--finetune-epochs", "1", "--budget", "0.5",
        "--seed", "3", "--quiet"]


def _run(out, extra=()):
    search_helpers.cimlir_or_skip()
    from cimlir.search import cli
    assert cli.main(ARGS + ["--output", str(out)] + list(extra)) == 0
    with open(os.path.join(out, "search.csv")) as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(out, "summary.json")) as f:
        return rows, json.load(f)


def test_three_episode_search_is_reproducible(tmp_path):
    rows, summary = _run(tmp_path / "a")
    assert [int(r["episode"]) for r in rows] == [0, 1, 2]
    assert all(float(r["latency_ratio"]) <= 0.5 for r in rows)
    policy = np.load(tmp_path / "a" / "policy.npy")
    assert policy.dtype == np.int64 and policy.shape == (5, 2)
    assert ((policy >= 2) & (policy <= 8)).all()
    best = max(rows, key=lambda r: float(r["reward"]))
    assert best["policy"] == " ".join(f"{w}/{a}" for w, a in policy)
    assert summary["latency_ratio"] == pytest.approx(float(best["latency_ratio"]))
    assert os.path.getsize(tmp_path / "a" / "search.png") > 1000
    # same seed: same policies, accuracies and rewards
    rows2, _ = _run(tmp_path / "b")
    key = ("policy", "latency_ps", "accuracy", "reward")
    assert [[r[k] for k in key] for r in rows] == [[r[k] for k in key] for r in rows2]


def test_image_folder_path(tmp_path):
    from PIL import Image
    rng = np.random.RandomState(0)
    for split, n in (("train", 6), ("val", 3)):
        for cls in ("cat", "dog"):
            d = tmp_path / "imgs" / split / cls
            d.mkdir(parents=True)
            for i in range(n):
                px = rng.randint(0, 256, size=(8, 8, 3)).astype(np.uint8)
                Image.fromarray(px).save(d / f"{i}.png")
    search_helpers.cimlir_or_skip()
    from cimlir.search import data
    sp = data.load_image_folder(str(tmp_path / "imgs"), image_size=8)
    assert tuple(sp.x_train.shape) == (12, 3, 8, 8) and sp.num_classes == 2
    assert sorted(sp.y_val.tolist()) == [0, 0, 0, 1, 1, 1]
    rows, summary = _run(tmp_path / "out", ["--data", str(tmp_path / "imgs"),
                                            "--image-size", "8", "--model", "digits-cnn"])
    assert len(rows) == 3 and summary["model"] == "digits-cnn"
    with pytest.raises(FileNotFoundError, match="train/ and val/"):
        data.load_image_folder(str(tmp_path / "nothing"))
