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


def test_workers_evaluate_the_same_fine_tunes(tmp_path):
    """--workers 2: four episodes in two rounds, fine-tuned in two spawned
    processes. Every logged accuracy equals the same policy's fine-tune run
    here, in this process, with that episode's seed (searcher.evaluate), and
    a second run with the same seed gives the same log."""
    rows, summary = _run(tmp_path / "a", ["--workers", "2", "--episodes", "4"])
    assert [int(r["episode"]) for r in rows] == [0, 1, 2, 3]
    assert summary["search"]["workers"] == 2
    from cimlir.search import data, qat, searcher
    import torch
    split = data.load_digits_split(seed=3)
    torch.manual_seed(3)
    fmodel = data.build_model("digits-cnn", split.num_classes,
                              split.image_shape)
    fmodel.load_state_dict(torch.load(tmp_path / "a" / "float.pt"))
    fmodel.eval()
    cfg = searcher.SearchConfig(finetune_epochs=1, seed=3)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the workers' arithmetic, to the last bit
    try:
        for r in rows:
            policy = np.array([[int(b) for b in wa.split("/")]
                               for wa in r["policy"].split()], np.int64)
            acc = searcher.evaluate(fmodel, split, cfg, policy,
                                    int(r["episode"]))
            assert float(r["accuracy"]) == pytest.approx(acc, abs=1e-9), r
    finally:
        torch.set_num_threads(threads)
    rows2, _ = _run(tmp_path / "b", ["--workers", "2", "--episodes", "4"])
    key = ("policy", "latency_ps", "accuracy", "reward")
    assert [[r[k] for k in key] for r in rows] == \
        [[r[k] for k in key] for r in rows2]


def test_workers_below_one_is_an_error(tmp_path, capsys):
    from cimlir.search import cli
    with pytest.raises(SystemExit):
        cli.main(ARGS + ["--workers", "0", "--output", str(tmp_path / "o")])
    assert "--workers must be at least 1" in capsys.readouterr().err


def test_distillation_follows_the_teacher_not_the_labels():
    """distill = 1: the loss is the teacher's soft targets only, so a QAT
    with every label 0 still learns the float model's classes; distill = 0
    learns the labels (class 0 everywhere)."""
    import torch
    from cimlir.search import data, qat
    split = data.load_digits_split(seed=0)
    torch.manual_seed(0)
    fm = data.build_model("digits-mlp", 10)
    qat.train(fm, split.x_train, split.y_train, 5, 3e-3)
    teacher_pred = qat.predict(fm, split.x_val, double=False)
    zeros = torch.zeros_like(split.y_train)
    agree = {}
    for w in (0.0, 1.0):
        recipe = qat.Recipe(distill=w, temperature=2.0)
        m = qat.quantized_copy(fm, np.full((3, 2), 8), split.x_train[:256],
                               recipe=recipe)
        qat.train_quantized(m, fm, split.x_train, zeros, 2, 1e-3, recipe=recipe)
        pred = qat.predict(m, split.x_val, double=False)
        agree[w] = float((pred == teacher_pred).float().mean())
    assert agree[1.0] > 0.9 and agree[0.0] < 0.2


def test_qat_recipe_options(tmp_path, capsys):
    """--distill, --act-calib, --act-grad reach the QAT (recorded in
    summary.json); bad values are refused before any training."""
    search_helpers.cimlir_or_skip()
    from cimlir.search import cli
    out = tmp_path / "r"
    assert cli.main(["--uniform", "4,3", "--float-epochs", "2", "--qat-epochs",
                     "1", "--distill", "0.5", "--distill-temp", "3",
                     "--act-calib", "99.9", "--act-grad", "lsq", "--quiet",
                     "--output", str(out)]) == 0
    with open(out / "summary.json") as f:
        s = json.load(f)
    assert s["recipe"] == {"calib": 99.9, "act_grad": "lsq", "distill": 0.5,
                           "temperature": 3.0}
    assert 0 <= s["qat_acc"] <= 100
    for bad, msg in ((["--distill", "2"], "distill must be in [0, 1], got 2.0"),
                     (["--act-calib", "min"], "activation calibration must be"),
                     (["--distill-temp", "0"], "temperature must be > 0"),
                     (["--act-grad", "ste"], "invalid choice: 'ste'")):
        with pytest.raises(SystemExit) as e:
            cli.main(bad + ["--output", str(tmp_path / "x")])
        assert e.value.code == 2
        assert msg in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
