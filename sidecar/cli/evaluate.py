"""`immich-sidecar eval [--dir DIR] [--json]`: precision and recall on a labelled corpus."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable, Mapping
from itertools import combinations
from pathlib import Path
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.corpus import build_corpus
from sidecar.cli.corpus_video import SIZE, VideoLabels, build_video_corpus, place
from sidecar.cli.output import add_json_flag, print_json
from sidecar.engine.services.report import analysis_report
from sidecar.runtime import open_runtime
from sidecar.settings import Settings, StorageSettings

TARGETS = {"exact": (1.0, 1.0), "near": (0.98, 0.90), "raw+jpeg": (1.0, 0.98)}
KEEPER_TARGET = 0.95
VIDEO_TARGET = (0.98, 0.90)  # video duplicates: precision, recall
VIDEOS = "videos/"  # where the video corpus lies in the corpus


def register(sub: Any) -> None:
    p = sub.add_parser(
        "eval",
        help=SUMMARIES["eval"],
        description="Build a labelled corpus (exact copies, resized/re-compressed/converted/"
        "cropped (centre, one side)/edited versions, messenger-size copies, metadata "
        "rewrites, copies named like copies, similar but distinct shots, a burst, RAW+JPEG "
        "pairs as real DNGs, name decoys) in DIR/corpus, analyse it with the configured "
        "[analysis] settings into DIR/state, and print precision and recall (near: per "
        "variant kind too), and how often the suggested keeper is the one a person would "
        "keep.",
    )
    p.add_argument("--dir", type=Path, default=Path("sidecar-eval"), help="default: ./sidecar-eval")
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="vary the corpus: crop sides and amounts, edit strengths, and (from 1 on) which "
        "photos (default: 0)",
    )
    p.add_argument(
        "--videos",
        type=int,
        default=4,
        metavar="N",
        help="families of clips in the video corpus (0: no videos; default: 4)",
    )
    p.add_argument(
        "--video-size",
        type=_size,
        default=SIZE,
        metavar="WxH",
        help=f"the original clips' frame size (default: {SIZE[0]}x{SIZE[1]})",
    )
    add_json_flag(p)
    p.set_defaults(handler=handle)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a frame size: {text!r} (e.g. 640x360)") from None
    if not (64 <= w <= 3840 and 64 <= h <= 2160) or w % 2 or h % 2:
        raise argparse.ArgumentTypeError(f"use even sides from 64x64 to 3840x2160, not {text}")
    return w, h


def _score(predicted: set[frozenset[str]], labelled: set[frozenset[str]]) -> dict[str, Any]:
    hits = len(predicted & labelled)
    return {
        "precision": round(hits / len(predicted), 4) if predicted else 1.0,
        "recall": round(hits / len(labelled), 4) if labelled else 1.0,
        "predicted": len(predicted),
        "labelled": len(labelled),
        "false_positives": sorted(sorted(p) for p in predicted - labelled)[:10],
        "missed": sorted(sorted(p) for p in labelled - predicted)[:10],
    }


def _named(score: dict[str, Any], content: Mapping[str, str]) -> dict[str, Any]:
    """A score over contents with its examples named by a path of each content."""
    path_of: dict[str, str] = {}
    for path, digest in sorted(content.items()):
        path_of.setdefault(digest, path)
    for kind in ("false_positives", "missed"):
        score[kind] = [sorted(path_of.get(c, c) for c in pair) for pair in score[kind]]
    return score


def by_variant(
    predicted: set[frozenset[str]],
    labelled: set[frozenset[str]],
    kinds: Mapping[str, str],
    content: Mapping[str, str],
) -> dict[str, dict[str, Any]]:
    """Recall of the labelled near pairs (of contents) that have a member of each kind."""
    kind_of = {content[path]: kind for path, kind in kinds.items() if content.get(path)}
    out: dict[str, dict[str, Any]] = {}
    for kind in dict.fromkeys(kinds.values()):
        pairs = {p for p in labelled if any(kind_of.get(c) == kind for c in p)}
        found = len(pairs & predicted)
        out[kind] = {
            "recall": round(found / len(pairs), 4) if pairs else 1.0,
            "found": found,
            "labelled": len(pairs),
        }
    return out


def keeper_accuracy(
    groups: list[dict[str, Any]],
    keepers: list[tuple[frozenset[str], frozenset[str]]],
    rel: Callable[[str | None], str],
) -> dict[str, Any]:
    """The share of exact and near groups of a labelled family whose suggested keeper is one a
    person would keep (groups of no family are precision's concern, not the keeper's)."""
    judged = wrong = 0
    examples: list[dict[str, Any]] = []
    for g in groups:
        if g["tier"] not in ("exact", "near"):
            continue
        members = {rel(m["path"]) for m in g["members"]}
        family = next((f for f in keepers if members & f[0]), None)
        if family is None:
            continue
        judged += 1
        if rel(g["keeper"]) not in family[1]:
            wrong += 1
            examples.append(
                {
                    "keeper": rel(g["keeper"]),
                    "expected": sorted(family[1]),
                    "reasons": g["reasons"][1:],
                }
            )
    return {
        "accuracy": round((judged - wrong) / judged, 4) if judged else 1.0,
        "groups": judged,
        "wrong": examples[:10],
    }


def video_scores(
    report: dict[str, Any], labels: VideoLabels, rel: Callable[[str | None], str]
) -> dict[str, Any]:
    """The video corpus's scores from an analysis report: duplicates (pairs of clips in one
    group) P and R, trims found as variant pairs of their clip, unrelated clips in any group
    or pair, and the keeper of the video groups."""

    def paths(item: dict[str, Any]) -> list[str]:
        return [rel(m["path"]) for m in item["members"]]

    groups = [g for g in report["duplicate_groups"] if any(p.startswith(VIDEOS) for p in paths(g))]
    predicted = {frozenset(pair) for g in groups for pair in combinations(paths(g), 2)}
    labelled = {frozenset((VIDEOS + a, VIDEOS + b)) for a, b in labels.duplicates}
    variants = [
        frozenset(paths(p))
        for p in report["pairs"]
        if p["kind"] == "variant" and any(x.startswith(VIDEOS) for x in paths(p))
    ]
    trim_of = {frozenset((VIDEOS + t, VIDEOS + m)) for t, m in labels.variants}
    trims = {VIDEOS + t for t, _ in labels.variants}
    found = {t for t in trims if any(t in v and v in trim_of for v in variants)}
    unrelated = {VIDEOS + u for u in labels.unrelated}
    grouped = sorted(
        u
        for u in unrelated
        if any(u in pair for pair in predicted) or any(u in v for v in variants)
    )
    keepers = [
        (frozenset(VIDEOS + m for m in family), frozenset(VIDEOS + k for k in keep))
        for family, keep in labels.keepers
    ]
    return {
        "duplicates": _score(predicted, labelled),
        "trims_found": f"{len(found)}/{len(trims)}",
        "trim_recall": round(len(found) / len(trims), 4) if trims else 1.0,
        "trims_missed": sorted(trims - found),
        "wrong_variants": sorted(sorted(v) for v in variants if v not in trim_of)[:10],
        "unrelated_grouped": len(grouped),
        "unrelated_in": grouped[:10],
        "keeper": keeper_accuracy(groups, keepers, rel),
        "clips": len(labels.kinds),
    }


async def handle(args: argparse.Namespace, settings: Settings) -> int:
    corpus = args.dir / "corpus"
    labels = build_corpus(corpus, seed=args.seed)
    videos: VideoLabels | None = None
    if args.videos > 0:
        cache = args.dir / "video-cache"
        videos = build_video_corpus(cache, args.seed, args.videos, args.video_size)
        place(cache, videos, corpus / VIDEOS)
    state = args.dir / "state"
    shutil.rmtree(state, ignore_errors=True)
    settings = settings.model_copy(
        update={"storage": StorageSettings(state_dir=state), "libraries": []}
    )
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([corpus])
        await rt.analyze.analyze()
        report = await analysis_report(rt.analysis)
        files = await rt.files.all_files()
    root = str(corpus.resolve())

    def rel(path: str | None) -> str:
        return (path or "").removeprefix(root).lstrip("/")

    content = {rel(p): h for p, h, _, state_, _ in files if state_ == "present" and h}
    photo_groups = [
        g
        for g in report["duplicate_groups"]
        if not any(rel(m["path"]).startswith(VIDEOS) for m in g["members"])
    ]
    pairs_in = {
        tier: {
            frozenset((rel(a["path"]), rel(b["path"])))
            for g in photo_groups
            if g["tier"] == tier
            for a, b in combinations(g["members"], 2)
        }
        for tier in ("exact", "near")
    }
    near_pred = {
        frozenset((content[a], content[b]))
        for a, b in map(tuple, pairs_in["near"])
        if content.get(a) and content.get(b) and content[a] != content[b]
    }
    near_true = {
        frozenset((content[a], content[b])) for a, b in labels.near if content[a] != content[b]
    }
    raw_pred = {
        frozenset(rel(m["path"]) for m in p["members"])
        for p in report["pairs"]
        if p["kind"] == "raw+jpeg"
    }
    burst_dupes = sum(
        1
        for frames in labels.burst_frames
        for a, b in combinations(frames, 2)
        if frozenset((a, b)) in pairs_in["exact"] | pairs_in["near"]
    )
    bursts_found = sum(
        1
        for frames in labels.burst_frames
        if any(
            p["kind"] == "burst" and {rel(m["path"]) for m in p["members"]} == set(frames)
            for p in report["pairs"]
        )
    )
    result: dict[str, Any] = {
        "exact": _score(pairs_in["exact"], {frozenset(p) for p in labels.exact}),
        "near": _named(_score(near_pred, near_true), content),
        "raw+jpeg": _score(raw_pred, {frozenset(p) for p in labels.pairs}),
        "decoys_paired": sum(1 for d in labels.not_pairs if frozenset(d) in raw_pred),
        "burst_frames_reported_as_duplicates": burst_dupes,
        "bursts_found": f"{bursts_found}/{len(labels.burst_frames)}",
        "near_by_variant": by_variant(near_pred, near_true, labels.kinds, content),
        "similar_grouped": sum(
            1
            for pair in pairs_in["exact"] | pairs_in["near"]
            if all(p.startswith("similar/") for p in pair)
        ),
        "keeper": keeper_accuracy(photo_groups, labels.keepers, rel),
        "videos": None if videos is None else video_scores(report, videos, rel),
        "seed": args.seed,
        "settings": settings.analysis.model_dump(),
    }
    if args.json:
        print_json(result)
        return 0
    print(f"Corpus: {corpus} ({len(content)} files, seed {args.seed})")
    print(f"  {'tier':<10} {'precision':>9} {'recall':>7}   target")
    for tier, (p_min, r_min) in TARGETS.items():
        s = result[tier]
        print(
            f"  {tier:<10} {s['precision']:>9.3f} {s['recall']:>7.3f}   "
            f">= {p_min:.2f} / >= {r_min:.2f}"
        )
        for kind in ("false_positives", "missed"):
            for item in s[kind][:3]:
                print(f"      {kind.replace('_', ' ')}: {', '.join(item)}")
    print("  near recall by variant (pairs with a member of that kind)")
    for kind, s in result["near_by_variant"].items():
        print(f"      {kind:<18} {s['recall']:>6.3f}  ({s['found']}/{s['labelled']})")
    print(
        f"  decoys paired: {result['decoys_paired']}; burst frames reported as duplicates: "
        f"{burst_dupes}; similar shots grouped: {result['similar_grouped']}; bursts found: "
        f"{result['bursts_found']}"
    )
    keeper = result["keeper"]
    print(
        f"  keeper accuracy {keeper['accuracy']:.3f} over {keeper['groups']} groups   "
        f"target >= {KEEPER_TARGET:.2f}"
    )
    for item in keeper["wrong"][:3]:
        print(f"      kept {item['keeper']}, expected {' or '.join(item['expected'])}")
    if result["videos"] is not None:
        _print_videos(result["videos"])
    return 0


def _verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def _print_videos(v: dict[str, Any]) -> None:
    dup = v["duplicates"]
    p_min, r_min = VIDEO_TARGET
    print(f"Videos: {v['clips']} clips")
    print(
        f"  duplicates precision {dup['precision']:.3f} recall {dup['recall']:.3f}   "
        f"target >= {p_min:.2f} / >= {r_min:.2f}: "
        f"{_verdict(dup['precision'] >= p_min and dup['recall'] >= r_min)}"
    )
    for kind in ("false_positives", "missed"):
        for item in dup[kind][:3]:
            print(f"      {kind.replace('_', ' ')}: {', '.join(item)}")
    print(f"  trims found as variants: {v['trims_found']}: {_verdict(not v['trims_missed'])}")
    for item in v["trims_missed"][:3]:
        print(f"      missed: {item}")
    for item in v["wrong_variants"][:3]:
        print(f"      wrong variant pair: {', '.join(item)}")
    print(
        f"  unrelated clips grouped: {v['unrelated_grouped']}   target 0: "
        f"{_verdict(v['unrelated_grouped'] == 0)}"
    )
    keeper = v["keeper"]
    if keeper["groups"]:
        print(
            f"  keeper accuracy {keeper['accuracy']:.3f} over {keeper['groups']} groups   "
            f"target >= {KEEPER_TARGET:.2f}: {_verdict(keeper['accuracy'] >= KEEPER_TARGET)}"
        )
        for item in keeper["wrong"][:3]:
            print(f"      kept {item['keeper']}, expected {' or '.join(item['expected'])}")
