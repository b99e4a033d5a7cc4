"""``cim-aq-search``: float baseline, CIM-AQ search priced by cimlir, QAT at
the best policy, and (``--simulate``) the QAT model compiled and run on the
simulator. docs/search.md."""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

from . import budget as budget_mod
from . import data, export, oracle, outputs, qat, quant, searcher


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="cim-aq-search",
        description="Mixed-precision search (CIM-AQ / HAQ DDPG) with cimlir "
                    "as the latency oracle, then QAT at the best policy.")
    p.add_argument("--model", default="digits-cnn",
                   help="digits-cnn, digits-mlp, or a torchvision name "
                        "(resnet18, vgg16, vit_b_32; needs --data)")
    p.add_argument("--data", default="digits",
                   help="'digits' (sklearn, bundled) or an ImageFolder root "
                        "with train/ and val/")
    p.add_argument("--image-size", type=int, default=224)
    p.add_argument("--data-limit", type=int, default=None,
                   help="ImageFolder: at most this many images per split")
    p.add_argument("--target", default=None, help="target JSON (default: built-in)")
    p.add_argument("--target-set", default="", metavar="F=V,...",
                   help="override target fields, e.g. cell_bits=2")
    p.add_argument("--budget", type=float, default=0.5,
                   help="latency budget as a fraction of W8A8 (default 0.5)")
    p.add_argument("--episodes", type=int, default=100)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--min-bit", type=int, default=2)
    p.add_argument("--max-bit", type=int, default=8)
    p.add_argument("--first-last-8bit", action="store_true",
                   help="layers 0 and L-1 stay at 8/8 (reference 'both constraints')")
    p.add_argument("--cell-aligned", action="store_true",
                   help="round weight bits up to a multiple of cell_bits when it fits")
    p.add_argument("--per-channel", action="store_true",
                   help="per-output-channel weight scales")
    p.add_argument("--float-epochs", type=int, default=40)
    p.add_argument("--float-lr", type=float, default=3e-3)
    p.add_argument("--finetune-epochs", type=int, default=1)
    p.add_argument("--finetune-lr", type=float, default=1e-3)
    p.add_argument("--qat-epochs", type=int, default=20)
    p.add_argument("--qat-lr", type=float, default=1e-3)
    p.add_argument("--distill", type=float, default=0.0, metavar="W",
                   help="knowledge distillation from the float model during "
                        "QAT and fine-tunes: loss (1-W) CE + W T^2 KL "
                        "(0..1, default 0: off)")
    p.add_argument("--distill-temp", type=float, default=4.0, metavar="T",
                   help="distillation temperature (default 4)")
    p.add_argument("--act-calib", default="max", metavar="M",
                   help="activation range calibration: max (default), mse, "
                        "or a percentile such as 99.9")
    p.add_argument("--act-grad", choices=quant.QuantAct.GRADS, default="pact",
                   help="gradient of the activation range: pact (default) "
                        "or lsq (also through the scale)")
    p.add_argument("--policy", default=None,
                   help="skip the search: QAT (and --simulate) this policy "
                        "(.npy or JSON)")
    p.add_argument("--uniform", default=None, metavar="W,A",
                   help="skip the search: uniform W/A bits everywhere")
    p.add_argument("--compare", action="store_true",
                   help="also QAT W8A8 with the same epochs, for the accuracy loss")
    p.add_argument("--simulate", action="store_true",
                   help="export QDQ ONNX, compile with cimlir, classify the "
                        "test set on the simulator")
    p.add_argument("--sim-batch", type=int, default=None)
    p.add_argument("--narrow", choices=("clip", "none"), default="clip",
                   help="QDQ export of sub-8-bit ranges (docs/search.md)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=None,
                   help="torch threads (default: torch's choice)")
    p.add_argument("--workers", type=int, default=1,
                   help="fine-tune this many episodes at once, one process "
                        "each (episodes in rounds; docs/search.md)")
    p.add_argument("--output", required=True, help="output directory")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    if args.workers < 1:
        p.error(f"--workers must be at least 1, got {args.workers}")
    try:
        args.recipe = qat.Recipe(args.act_calib, args.act_grad, args.distill,
                                 args.distill_temp)
    except ValueError as e:
        p.error(str(e))
    return args


def _target_fields(spec):
    fields = {}
    for item in filter(None, spec.split(",")):
        if "=" not in item:
            raise SystemExit(f"cim-aq-search: --target-set: '{item}' is not F=V")
        k, v = item.split("=", 1)
        try:
            fields[k] = int(v)
        except ValueError:
            fields[k] = v
    return fields


class _Progress:
    def __init__(self, total, quiet):
        self.bar = None
        self.quiet = quiet
        self.total = total
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="ep", file=sys.stderr)

    def __call__(self, rec):
        msg = (f"best reward {rec.best_reward:+.3f} acc {rec.accuracy:.1f}% "
               f"ratio {rec.latency_ratio:.3f}")
        if self.bar:
            self.bar.set_postfix_str(msg)
            self.bar.update(1)
        elif not self.quiet and (rec.episode + 1) % max(1, self.total // 10) == 0:
            print(f"episode {rec.episode + 1}/{self.total}: {msg}", file=sys.stderr)

    def close(self):
        if self.bar:
            self.bar.close()


def _log(args, msg):
    if not args.quiet:
        print(msg, file=sys.stderr)


def _load_data(args):
    if args.data == "digits":
        return data.load_digits_split(seed=args.seed)
    return data.load_image_folder(args.data, args.image_size, args.data_limit,
                                  args.seed)


def _float_model(args, split, out):
    torch.manual_seed(args.seed)
    model = data.build_model(args.model, split.num_classes, split.image_shape)
    path = os.path.join(out, "float.pt")
    qat.train(model, split.x_train, split.y_train, args.float_epochs,
              args.float_lr, seed=args.seed)
    torch.save(model.state_dict(), path)
    model.eval()
    return model


def _export_float(args, model, split, out):
    path = os.path.join(out, "model-float.onnx")
    shape = (1,) + tuple(split.image_shape)
    if args.model in data.DIGITS_MODELS:
        export.save_onnx(model, path, shape, quantized=False)
    else:
        export.export_torch_float(model, path, shape)
    return path


def _given_policy(args, split):
    """``--policy``, read and checked against the model's layer count before
    anything is trained (a wrong path must not cost a float training)."""
    if not args.policy:
        return None
    try:
        policy = outputs.load_policy(args.policy)
    except (OSError, ValueError) as e:
        raise SystemExit(f"cim-aq-search: --policy: {e}")
    probe = data.build_model(args.model, split.num_classes, split.image_shape)
    n = len(quant.quant_layers(quant_probe(probe)))
    if policy.shape[0] != n:
        raise SystemExit(f"cim-aq-search: --policy: {args.policy} has "
                         f"{policy.shape[0]} rows; {args.model} has {n} "
                         f"quantized layers")
    return policy


def _final_policy(args, orc, given):
    if given is not None:
        return given
    w, a = (int(v) for v in args.uniform.split(","))
    return np.tile([w, a], (orc.num_layers, 1)).astype(np.int64)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    out = args.output
    os.makedirs(out, exist_ok=True)
    t0 = time.perf_counter()
    if args.threads:
        torch.set_num_threads(args.threads)
    split = _load_data(args)
    given = _given_policy(args, split)
    fields = _target_fields(args.target_set)
    target = oracle.load_target(args.target, **fields)
    _log(args, f"training float {args.model} ({args.float_epochs} epochs)")
    fmodel = _float_model(args, split, out)
    orc = oracle.Oracle(_export_float(args, fmodel, split, out), target)
    n_q = len(quant.quant_layers(quant_probe(fmodel)))
    if n_q != orc.num_layers:
        raise SystemExit(f"cim-aq-search: cimlir sees {orc.num_layers} layers, "
                         f"PyTorch {n_q}")
    summary = {"model": args.model, "target_cell_bits": int(target.cell_bits),
               "budget": args.budget, "seed": args.seed,
               "float_acc": qat.accuracy(fmodel, split.x_test, split.y_test),
               "w8a8_latency_ps": orc.uniform(8, 8),
               "recipe": args.recipe.as_dict()}
    _log(args, f"float accuracy {summary['float_acc']:.2f}%")
    if args.policy or args.uniform:
        policy = _final_policy(args, orc, given)
    else:
        policy = _search(args, fmodel, split, orc, out, summary)
    summary["policy"] = policy.tolist()
    summary["latency_ps"] = orc.latency(policy)
    summary["latency_ratio"] = summary["latency_ps"] / summary["w8a8_latency_ps"]
    summary["speedup"] = 1.0 / summary["latency_ratio"]
    model = _qat(args, fmodel, policy, split, summary, "qat")
    torch.save(model, os.path.join(out, "qat.pt"))
    if args.compare:
        w8 = np.full((orc.num_layers, 2), 8, np.int64)
        _qat(args, fmodel, w8, split, summary, "w8a8")
    if args.simulate:
        _simulate(args, model, split, target, out, summary)
    summary["wall_seconds"] = time.perf_counter() - t0
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2, default=float)
        f.write("\n")
    _print_summary(summary)
    return 0


def quant_probe(fmodel):
    """A quantized copy used only to count layers."""
    import copy
    m = copy.deepcopy(fmodel)
    quant.quantize_model(m)
    return m


def _search(args, fmodel, split, orc, out, summary):
    cfg = searcher.SearchConfig(
        episodes=args.episodes, budget=args.budget, min_bit=args.min_bit,
        max_bit=args.max_bit, first_last_8bit=args.first_last_8bit,
        cell_aligned=args.cell_aligned, finetune_epochs=args.finetune_epochs,
        finetune_lr=args.finetune_lr, seed=args.seed,
        warmup=min(args.warmup, args.episodes), per_channel=args.per_channel,
        workers=args.workers, recipe=args.recipe)
    prog = _Progress(args.episodes, args.quiet)
    try:
        best, log, info = searcher.run(fmodel, split, orc, cfg, prog)
    except budget_mod.BudgetError as e:
        raise SystemExit(f"cim-aq-search: {e}")
    finally:
        prog.close()
    pol = np.asarray(best.policy, np.int64)
    outputs.save_policy(os.path.join(out, "policy.npy"),
                        os.path.join(out, "policy.json"), pol, orc.layers,
                        {"episode": best.episode, "reward": best.reward,
                         "val_accuracy": best.accuracy,
                         "latency_ratio": best.latency_ratio})
    outputs.save_log(os.path.join(out, "search.csv"), log)
    outputs.save_plot(os.path.join(out, "search.png"), log, best, args.budget,
                      f"{args.model}, cell_bits={orc.target.cell_bits}")
    summary["search"] = info
    summary["search"]["oracle_share"] = info["oracle_seconds"] / max(1e-9, info["wall_seconds"])
    return pol


def _qat(args, fmodel, policy, split, summary, key):
    torch.manual_seed(args.seed)
    m = qat.quantized_copy(fmodel, policy, split.x_train[:512],
                           args.per_channel, args.recipe)
    summary[f"{key}_ptq_acc"] = qat.accuracy(m, split.x_test, split.y_test)
    qat.train_quantized(m, fmodel, split.x_train, split.y_train,
                        args.qat_epochs, args.qat_lr, seed=args.seed,
                        recipe=args.recipe)
    m.eval()
    # Evaluated in float64: the integer-exact fake-quant reference that the
    # simulator reproduces (loop.py); float32 evaluation can round a few
    # re-quantizations differently.
    summary[f"{key}_acc"] = qat.accuracy(m, split.x_test, split.y_test,
                                         double=True)
    _log(args, f"{key}: accuracy {summary[f'{key}_acc']:.2f}% "
               f"(before QAT {summary[f'{key}_ptq_acc']:.2f}%)")
    return m


def _simulate(args, model, split, target, out, summary):
    from . import loop
    r = loop.simulate(model, split.x_test, split.y_test, target, out,
                      args.sim_batch, args.narrow)
    summary["sim_acc"] = r["sim_acc"]
    summary["sim_ref_acc"] = r["ref_acc"]
    summary["sim_agree"] = r["agree"]
    diff = np.nonzero(r["sim_pred"] != r["ref_pred"])[0]
    summary["sim_disagree_indices"] = diff.tolist()
    np.save(os.path.join(out, "sim-predictions.npy"), r["sim_pred"])
    # The compiled program's own latency (one batch of --sim-batch images)
    # against the estimate of the policy for the same batch: equal when the
    # export carries the policy's bits (--narrow clip, docs/search.md).
    orc = oracle.Oracle(r["onnx"], target)
    summary["sim_batch"] = int(args.sim_batch or len(split.x_test))
    summary["sim_compiled_latency_ps"] = int(r["program_report"]["total_latency_ps"])
    summary["sim_estimate_latency_ps"] = orc.latency(np.asarray(summary["policy"]))
    summary["sim_w8a8_latency_ps"] = orc.uniform(8, 8)


def _print_summary(s):
    lines = [f"float accuracy          {s['float_acc']:.2f}%"]
    if "w8a8_acc" in s:
        lines.append(f"W8A8 QAT accuracy       {s['w8a8_acc']:.2f}%")
    lines.append(f"policy QAT accuracy     {s['qat_acc']:.2f}%")
    lines.append(f"latency / W8A8          {s['latency_ratio']:.4f} "
                 f"(speedup {s['speedup']:.2f}x)")
    if "sim_acc" in s:
        lines.append(f"simulator accuracy      {s['sim_acc']:.2f}% "
                     f"(same prediction as PyTorch on {100 * s['sim_agree']:.2f}%)")
        lines.append(f"compiled latency / W8A8 "
                     f"{s['sim_compiled_latency_ps'] / s['sim_w8a8_latency_ps']:.4f} "
                     f"(batch {s['sim_batch']}; the estimate: "
                     f"{s['sim_estimate_latency_ps'] / s['sim_w8a8_latency_ps']:.4f})")
    if "search" in s:
        i = s["search"]
        lines.append(f"search wall time        {i['wall_seconds']:.1f} s, oracle "
                     f"{i['oracle_seconds']:.3f} s ({100 * i['oracle_share']:.2f}%)")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
