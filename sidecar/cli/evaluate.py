"""`immich-sidecar eval [--dir DIR] [--json]`: precision and recall on a labelled corpus."""

from __future__ import annotations

import argparse
import shutil
from itertools import combinations
from pathlib import Path
from typing import Any

from sidecar.cli.corpus import build_corpus
from sidecar.cli.output import print_json
from sidecar.engine.services.report import analysis_report
from sidecar.runtime import open_runtime
from sidecar.settings import Settings, StorageSettings

TARGETS = {"exact": (1.0, 1.0), "near": (0.98, 0.90), "raw+jpeg": (1.0, 0.98)}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "eval",
        help="measure duplicate and pair detection on a labelled corpus of real photos",
        description="Build a labelled corpus (exact copies, resized/re-compressed/converted/"
        "cropped/brightened versions, similar but distinct shots, a burst, RAW+JPEG pairs as "
        "real DNGs, name decoys) in DIR/corpus, analyse it with the configured [analysis] "
        "settings into DIR/state, and print precision and recall.",
    )
    p.add_argument("--dir", type=Path, default=Path("sidecar-eval"), help="default: ./sidecar-eval")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(handler=handle)


def _score(predicted: set[frozenset[str]], labelled: set[frozenset[str]]) -> dict[str, Any]:
    hits = len(predicted & labelled)
    return {
        "precision": round(hits / len(predicted), 4) if predicted else 1.0,
        "recall": round(hits / len(labelled), 4) if labelled else 1.0,
        "predicted": len(predicted), "labelled": len(labelled),
        "false_positives": sorted(sorted(p) for p in predicted - labelled)[:10],
        "missed": sorted(sorted(p) for p in labelled - predicted)[:10],
    }  # fmt: skip


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    corpus = args.dir / "corpus"
    labels = build_corpus(corpus)
    state = args.dir / "state"
    shutil.rmtree(state, ignore_errors=True)
    settings = settings.model_copy(update={"storage": StorageSettings(state_dir=state),
                                           "libraries": []})  # fmt: skip
    async with open_runtime(settings) as rt:
        await rt.reconciler.scan_paths([corpus])
        await rt.analyze.analyze()
        report = await analysis_report(rt.analysis)
        files = await rt.files.all_files()
    root = str(corpus.resolve())

    def rel(path: str | None) -> str:
        return (path or "").removeprefix(root).lstrip("/")

    content = {rel(p): h for p, h, _, state_, _ in files if state_ == "present" and h}
    pairs_in = {
        tier: {frozenset((rel(a["path"]), rel(b["path"])))
               for g in report["duplicate_groups"] if g["tier"] == tier
               for a, b in combinations(g["members"], 2)}
        for tier in ("exact", "near")
    }  # fmt: skip
    near_pred = {frozenset((content[a], content[b])) for a, b in map(tuple, pairs_in["near"])
                 if content.get(a) and content.get(b) and content[a] != content[b]}  # fmt: skip
    near_true = {frozenset((content[a], content[b])) for a, b in labels.near
                 if content[a] != content[b]}  # fmt: skip
    raw_pred = {frozenset(rel(m["path"]) for m in p["members"])
                for p in report["pairs"] if p["kind"] == "raw+jpeg"}  # fmt: skip
    burst_dupes = sum(1 for frames in labels.burst_frames for a, b in combinations(frames, 2)
                      if frozenset((a, b)) in pairs_in["exact"] | pairs_in["near"])  # fmt: skip
    bursts_found = sum(1 for frames in labels.burst_frames if any(
        p["kind"] == "burst" and {rel(m["path"]) for m in p["members"]} == set(frames)
        for p in report["pairs"]))  # fmt: skip
    result: dict[str, Any] = {
        "exact": _score(pairs_in["exact"], {frozenset(p) for p in labels.exact}),
        "near": _score(near_pred, near_true),
        "raw+jpeg": _score(raw_pred, {frozenset(p) for p in labels.pairs}),
        "decoys_paired": sum(1 for d in labels.not_pairs if frozenset(d) in raw_pred),
        "burst_frames_reported_as_duplicates": burst_dupes,
        "bursts_found": f"{bursts_found}/{len(labels.burst_frames)}",
        "settings": settings.analysis.model_dump(),
    }
    if args.json:
        print_json(result)
        return 0
    print(f"Corpus: {corpus} ({len(content)} files)")
    print(f"  {'tier':<10} {'precision':>9} {'recall':>7}   target")
    for tier, (p_min, r_min) in TARGETS.items():
        s = result[tier]
        print(f"  {tier:<10} {s['precision']:>9.3f} {s['recall']:>7.3f}   "
              f">= {p_min:.2f} / >= {r_min:.2f}")  # fmt: skip
        for kind in ("false_positives", "missed"):
            for item in s[kind][:3]:
                print(f"      {kind.replace('_', ' ')}: {', '.join(item)}")
    print(f"  decoys paired: {result['decoys_paired']}; burst frames reported as duplicates: "
          f"{burst_dupes}; bursts found: {result['bursts_found']}")  # fmt: skip
    return 0
