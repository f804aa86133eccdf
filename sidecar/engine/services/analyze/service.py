"""Analysis: fingerprint new content, then rebuild duplicate groups and pairs.

Members are Immich assets when the mirror knows the file (through the path mapping), and
local files otherwise (local mode: `asset_id` is null). Pairs and bursts are found first, so a
RAW and its JPEG, or two frames of one burst, are never reported as near duplicates of each
other. Decisions people made are applied on every run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sidecar.engine.core.dedup import (
    Candidate,
    Decisions,
    DupGroup,
    Tier,
    choose_keeper,
    exact_groups,
    near_groups,
)
from sidecar.engine.core.media import immich_generated
from sidecar.engine.core.models import AssetLink, Marks, MediaItem, Member, NearEdge
from sidecar.engine.core.pairing import (
    FORMATS,
    Pair,
    PairingRules,
    PairKind,
    Shot,
    camera_name,
    find_pairs,
)
from sidecar.engine.imaging import ZOOMS, to_unsigned64
from sidecar.engine.ports import (
    AnalysisResults,
    AssetInventory,
    ClientFactory,
    MarkBook,
    OperationLog,
)
from sidecar.engine.services.analyze.album_marks import sync_albums
from sidecar.engine.services.analyze.fingerprints import Fingerprinter
from sidecar.engine.services.analyze.remote_fingerprints import (
    fingerprint_remote,
    remote_assets,
    remote_key,
)
from sidecar.engine.services.analyze.tag_marks import sync_tags
from sidecar.engine.support.paths import asset_views
from sidecar.immich_client import ImmichError
from sidecar.immich_client.models import Asset
from sidecar.settings import Settings

KIND = "analyze"
AnalysisProgress = Callable[[str, int, int], None]
log = logging.getLogger(__name__)
StoredGroupRow = tuple[str, str, str, list[str], int, int, list[Member]]
LOCAL_OWNER = "local"


@dataclass(slots=True)
class AnalysisReport:
    op_id: int
    fingerprinted: int = 0
    fingerprint_failures: int = 0
    media: int = 0
    exact_groups: int = 0
    near_groups: int = 0
    pairs: dict[str, int] = field(default_factory=dict)
    reclaimable_bytes: int = 0
    duration_s: float = 0.0
    semantic_groups: int = 0
    semantic_error: str | None = None
    remote_error: str | None = None
    remote_pending: int = 0  # assets whose thumbnail Immich has not made yet
    albums_read: int = 0  # Immich albums whose members were read again (new or changed)
    tags_read: int = 0  # Immich root tags whose assets were read (all of them, every run)
    marks_error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "fingerprinted": self.fingerprinted,
            "fingerprint_failures": self.fingerprint_failures,
            "media": self.media,
            "exact_groups": self.exact_groups,
            "near_groups": self.near_groups,
            "semantic_groups": self.semantic_groups,
            "semantic_error": self.semantic_error,
            "remote_error": self.remote_error,
            "remote_pending": self.remote_pending,
            "albums_read": self.albums_read,
            "tags_read": self.tags_read,
            "marks_error": self.marks_error,
            "pairs": self.pairs,
            "reclaimable_bytes": self.reclaimable_bytes,
            "duration_s": round(self.duration_s, 3),
        }


def _format(path: str, kind: str) -> str:
    if kind == "raw":
        return "raw"
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return FORMATS.get(ext, ext)


def _decided(
    pairs: list[Pair], decided: dict[frozenset[str], tuple[str, str | None]]
) -> list[Pair]:
    """Pairs as people decided in the review: rejected ones dropped, chosen primaries kept,
    accepted ones say so (write-back stacks them whatever their kind)."""
    out = []
    for pair in pairs:
        kind, primary = decided.get(frozenset(pair.members), ("", None))
        if kind == "reject":
            continue
        if primary in pair.members and primary != pair.primary:
            pair = replace(
                pair, primary=primary, reasons=("primary chosen in the review", *pair.reasons)
            )
        if kind == "accept":
            pair = replace(pair, reasons=("accepted in the review", *pair.reasons))
        out.append(pair)
    return out


def _explain_crops(group: DupGroup, cropped: dict[frozenset[str], int]) -> DupGroup:
    """Say so when members were matched through a centre view (one is a cropped copy)."""
    zooms = sorted({z for pair, z in cropped.items() if pair <= set(group.members)})
    if not zooms:
        return group
    cuts = " or ".join(f"{z / 10:g}%" for z in zooms)
    why = f"some look alike once the larger is cropped by about {cuts} on every side"
    return replace(group, reasons=(group.reasons[0], why, *group.reasons[1:]))


NO_MARKS = Marks()


def _camera(make: str | None, model: str | None) -> str:
    """ "Canon EOS 80D", not "Canon Canon EOS 80D"; empty when the EXIF names no camera."""
    if not (make or model):
        return ""
    return camera_name(Shot("", "", "", "", False, make=make, model=model))


def _when(text: str | None) -> datetime | None:
    """A capture time without zone: EXIF times read here have none, Immich's are UTC (they
    are compared with each other, so both must be naive; an aware one is taken in UTC)."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


class AnalyzeService:
    def __init__(
        self,
        analysis: AnalysisResults,
        assets: AssetInventory,
        marks: MarkBook,
        operations: OperationLog,
        settings: Settings,
        connect: ClientFactory | None = None,
    ) -> None:
        self.analysis = analysis
        self.assets = assets
        self.marks = marks
        self.operations = operations
        self.settings = settings
        self.connect = connect

    async def analyze(self, progress: AnalysisProgress | None = None) -> AnalysisReport:
        """Fingerprint what is new, then rebuild groups and pairs. `progress(stage, done,
        total)` is told how far it got (stages: fingerprints, grouping). Interrupted
        (Ctrl-C, a stopping daemon), the operation is recorded as such; the fingerprints
        saved so far are kept and not made again."""
        cfg = self.settings.analysis
        say = progress or (lambda _stage, _done, _total: None)
        await self.operations.mark_interrupted(KIND)
        started = time.monotonic()
        op_id = await self.operations.start(KIND, {"near_threshold": cfg.near_threshold})
        report = AnalysisReport(op_id)
        status, message = "failed", None
        try:
            fingerprinter = Fingerprinter(
                self.analysis, cfg.workers, cfg.hash_size, self.settings.scan.hash_algorithm
            )
            done, failed, fresh = await fingerprinter.run(
                lambda n, total: say("fingerprints", n, total)
            )
            report.fingerprinted, report.fingerprint_failures = done, failed
            media = await self.analysis.media()  # after local fingerprinting: fresh hashes
            links = await self.assets.links()
            remote = await self._remote(report, fresh, media, links)
            await self._marks(report)
            say("grouping", 0, 1)
            await self._update_edges(fresh)
            await self._rebuild(op_id, report, media, links, remote)
            say("grouping", 1, 1)
            status = "ok"
        except (asyncio.CancelledError, KeyboardInterrupt):
            status, message = "interrupted", "interrupted; the fingerprints made so far are kept"
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            report.duration_s = time.monotonic() - started
            counts = {
                "scanned": report.media,
                "added": report.fingerprinted,
                "errors": report.fingerprint_failures,
            }
            await self.operations.finish(op_id, status, counts, report.duration_s, message)
        return report

    async def _marks(self, report: AnalysisReport) -> None:
        """Album membership and tags, a person's marks for the keeper rules, per API key:
        only albums that changed since the last analysis are read again (sync's quiet run
        stays one request); every root tag is read (one search each). A failure leaves the
        marks last read in place."""
        if not self.settings.immich.url or self.connect is None:
            return
        review = self.settings.writeback.review_album_name
        tag_root = self.settings.writeback.tag_root
        for label, key in self.settings.user_keys():
            client = self.connect(key)
            try:
                albums = await sync_albums(
                    client, self.marks, label, full=False, review_album=review
                )
                report.albums_read += albums.read
                tags = await sync_tags(client, self.marks, label, tag_root)
                report.tags_read += tags.tags
            except ImmichError as exc:
                report.marks_error = f"{label}: {exc}"
                log.info("analysis: albums and tags of %s: %s", label, exc)
            finally:
                await client.aclose()

    async def _remote(
        self,
        report: AnalysisReport,
        fresh: list[str],
        media: list[MediaItem],
        links: list[AssetLink],
    ) -> list[AssetLink]:
        """Fingerprint, from Immich's thumbnails, the assets there is no local file for."""
        if not self.settings.immich.url or self.connect is None:
            return []
        local = {posixpath.normpath(m.path) for m in media}
        todo = remote_assets(links, local, self.settings)
        if not todo:
            return []
        result = await fingerprint_remote(self.analysis, self.settings, self.connect, todo)
        report.fingerprinted += result.done
        report.fingerprint_failures += result.failed
        report.remote_pending = result.pending
        report.remote_error = result.error
        fresh += result.fresh or []
        return todo

    async def _rebuild(
        self,
        op_id: int,
        report: AnalysisReport,
        media: list[MediaItem],
        links: list[AssetLink],
        remote: list[AssetLink],
    ) -> None:
        cfg = self.settings.analysis
        by_local = {
            v.local_path: v
            for v in asset_views(links, self.settings)
            if v.local_path is not None and not v.trashed
        }
        cands: list[Candidate] = []
        shots: list[Shot] = []
        members: dict[str, Member] = {}
        marks = await self.marks.marks()
        for row in media:
            if immich_generated(row.path):
                continue
            asset = by_local.get(posixpath.normpath(row.path))
            key = asset.id if asset else row.path
            owner = asset.owner_id if asset else LOCAL_OWNER
            taken = _when(row.taken_at)
            phash = to_unsigned64(row.phash) if row.phash is not None else None
            mark = marks.get(key, NO_MARKS)
            cands.append(
                Candidate(
                    key=key,
                    owner=owner,
                    path=row.path,
                    content_hash=row.content_hash,
                    phash=phash,
                    width=row.width,
                    height=row.height,
                    size=row.size,
                    format=_format(row.path, row.kind),
                    captured_at=taken,
                    exif_fields=sum(x is not None for x in (row.taken_at, row.make, row.model)),
                    albums=mark.albums,
                    favorite=mark.favorite,
                    rating=mark.rating,
                    description=mark.description,
                    tags=mark.tags,
                    preferred=self._preferred(row.path),
                    camera=_camera(row.make, row.model),
                    software=row.software,
                    edited_at=_when(row.modified_at),
                    quality=row.quality,
                )
            )
            folder, _, name = row.path.rpartition("/")
            shots.append(
                Shot(key, owner, folder, name, row.kind == "raw", taken, row.make, row.model, phash)
            )
            members[key] = Member(
                key,
                row.path,
                asset.id if asset else None,
                row.size,
                row.width,
                row.height,
                row.taken_at,
            )
        prints = await self.analysis.fingerprints_of([remote_key(a) for a in remote])
        for a in remote:  # assets known only through Immich (videos, unmounted folders)
            if a.visibility == "hidden":  # a live photo's motion part: not an original
                continue
            phash = prints.get(remote_key(a), (None, None, None, False))[0]
            mapped = self.settings.map_immich_path(a.original_path)
            path = str(mapped) if mapped is not None else a.original_path
            taken = _when(a.date_time_original)
            mark = marks.get(a.id, NO_MARKS)
            cands.append(
                Candidate(
                    key=a.id,
                    owner=a.owner_id,
                    path=path,
                    content_hash=remote_key(a),
                    phash=to_unsigned64(phash) if phash is not None else None,
                    width=a.width,
                    height=a.height,
                    size=a.file_size,
                    format=_format(path, ""),
                    captured_at=taken,
                    exif_fields=sum(x is not None for x in (a.date_time_original, a.make, a.model)),
                    albums=mark.albums,
                    favorite=mark.favorite,
                    rating=mark.rating,
                    description=mark.description,
                    tags=mark.tags,
                    camera=_camera(a.make, a.model),
                )
            )
            if a.type != "VIDEO":
                folder, _, name = path.rpartition("/")
                shots.append(
                    Shot(
                        a.id,
                        a.owner_id,
                        folder,
                        name,
                        False,
                        taken,
                        a.make,
                        a.model,
                        to_unsigned64(phash) if phash is not None else None,
                    )
                )
            members[a.id] = Member(
                a.id, path, a.id, a.file_size, a.width, a.height, a.date_time_original
            )
        report.media = len(cands)
        decisions = await self._decisions()
        rules = tuple(cfg.keeper_rules)
        pairing = find_pairs(
            shots,
            PairingRules(
                time_tolerance_s=cfg.pair_time_tolerance_s,
                burst_gap_s=cfg.burst_gap_s,
                burst_min_frames=cfg.burst_min_frames,
                format_preference=tuple(cfg.format_preference),
            ),
        )
        formed = list(pairing.pairs)  # a rejected pair is not stacked, and still no duplicate
        pairing.pairs = _decided(pairing.pairs, await self.analysis.pair_decisions())
        exact = exact_groups(cands, decisions, rules)
        near = await self._near(cands, formed, decisions, rules)
        groups = [*exact, *near]
        size_of = {c.key: c.size or 0 for c in cands}
        owner_of = {c.key: c.owner for c in cands}
        stored_groups: list[StoredGroupRow] = []
        for g in groups:
            reclaim = sum(size_of[m] for m in g.members if m != g.keeper)
            report.reclaimable_bytes += reclaim
            group_members = [members[m] for m in g.members]
            stored_groups.append(
                (
                    g.tier.value,
                    owner_of[g.keeper],
                    g.keeper,
                    list(g.reasons),
                    g.distance,
                    reclaim,
                    group_members,
                )
            )
        semantic = await self._semantic(report)
        stored_groups += semantic
        stored_pairs = [
            (
                p.kind.value,
                owner_of[p.primary],
                p.primary,
                list(p.reasons),
                [members[m] for m in p.members],
            )
            for p in pairing.pairs
        ]
        await self.analysis.replace_results(op_id, stored_groups, stored_pairs)
        report.exact_groups = len(exact)
        report.near_groups = len(near)
        report.semantic_groups = len(semantic)
        report.pairs = {
            kind.value: sum(1 for p in pairing.pairs if p.kind is kind) for kind in PairKind
        }

    async def _update_edges(self, fresh: list[str]) -> None:
        """Near-duplicate candidates between contents: all pairs when the thresholds changed
        (or on the first run), else only the new contents against everything known.

        Whole frames are compared with whole frames, and each centre view (ZOOMS) of one
        image with the whole frame of the other, so a slightly cropped copy is found; both
        need pHash and dHash within their thresholds."""
        from sidecar.engine.hashindex import pairs_between, pairs_within  # numpy, when needed

        cfg = self.settings.analysis
        plan = json.dumps(
            {
                "phash": cfg.near_threshold,
                "dhash": cfg.near_dhash_threshold,
                "size": cfg.hash_size,
                "zooms": list(ZOOMS),
            }
        )
        known = await self.analysis.hashed_contents()
        full = await self.analysis.edge_plan() != plan
        keys = [k for k, _, _, _ in known]
        phash = [to_unsigned64(p) for _, p, _, _ in known]
        dhash = [to_unsigned64(d) for _, _, d, _ in known]
        new_set = set(fresh)
        new_idx = (
            list(range(len(known))) if full else [i for i, k in enumerate(keys) if k in new_set]
        )
        radius = cfg.near_threshold
        edges: list[NearEdge] = []

        def keep(i: int, j: int, dist: int, di: int, dj: int, zoom: int) -> None:
            ddist = (di ^ dj).bit_count()
            if i != j and ddist <= cfg.near_dhash_threshold and keys[i] != keys[j]:
                edges.append(NearEdge(keys[i], keys[j], dist, ddist, zoom))

        # whole frame against whole frame
        if full:
            for i, j, dist in pairs_within(phash, radius):
                keep(i, j, dist, dhash[i], dhash[j], 0)
        else:
            for n, j, dist in pairs_between([phash[i] for i in new_idx], phash, radius):
                keep(new_idx[n], j, dist, dhash[new_idx[n]], dhash[j], 0)
        # a centre view of one against the whole frame of the other (views of new contents
        # against every frame; on incremental runs also views of every content against the
        # new frames)
        for v, cut in enumerate(ZOOMS):
            zoom = round(cut * 1000)
            has = [i for i, (_, _, _, z) in enumerate(known) if len(z) > 2 * v + 1]
            vp = {i: to_unsigned64(known[i][3][2 * v]) for i in has}
            vd = {i: to_unsigned64(known[i][3][2 * v + 1]) for i in has}
            mine = [i for i in new_idx if i in vp]
            for n, j, dist in pairs_between([vp[i] for i in mine], phash, radius):
                keep(mine[n], j, dist, vd[mine[n]], dhash[j], zoom)
            if not full:
                for n, j, dist in pairs_between(
                    [phash[i] for i in new_idx], [vp[i] for i in has], radius
                ):
                    keep(has[j], new_idx[n], dist, vd[has[j]], dhash[new_idx[n]], zoom)
        await self.analysis.add_edges(edges, replace_all=full)
        if full:
            await self.analysis.set_edge_plan(plan)

    async def _near(
        self,
        cands: list[Candidate],
        pairs: list[Pair],
        decisions: Decisions,
        rules: tuple[str, ...],
    ) -> list[DupGroup]:
        """One representative per (owner, content), linked by the stored content edges; never
        the members of one pair or burst (also when a person rejected it: that means "do not
        stack", nothing more)."""
        cfg = self.settings.analysis
        same: dict[tuple[str, str], list[int]] = {}
        for index, c in enumerate(cands):
            if c.phash is not None and c.content_hash:
                same.setdefault((c.owner, c.content_hash), []).append(index)
        rep: dict[tuple[str, str], int] = {}
        for key, indices in same.items():  # the copy an exact group would keep stands for all
            keep, _ = choose_keeper([cands[i] for i in indices], rules)
            rep[key] = next(i for i in indices if cands[i].key == keep)
        owners_of: dict[str, list[str]] = {}
        for owner, content in rep:
            owners_of.setdefault(content, []).append(owner)
        together = {frozenset((a, b)) for p in pairs for a in p.members for b in p.members}
        edges = []
        cropped: dict[frozenset[str], int] = {}
        for e in await self.analysis.edges():
            for owner in owners_of.get(e.a, ()):
                i, j = rep.get((owner, e.a)), rep.get((owner, e.b))
                if i is None or j is None:
                    continue
                pair = frozenset((cands[i].key, cands[j].key))
                if pair in together:
                    continue
                first, second = sorted((cands[i].path, cands[j].path))
                edges.append((e.phash, e.dhash, e.zoom, first, second, i, j))
                if e.zoom:
                    cropped[pair] = e.zoom
        # closest first: dHash breaks pHash ties, then whole frames before centre views, then
        # the member paths (so equal distances always resolve the same way)
        edges.sort()
        groups = near_groups(
            cands, [(e[5], e[6], e[0]) for e in edges], cfg.near_threshold, decisions, rules
        )
        return [_explain_crops(g, cropped) for g in groups]

    def _preferred(self, path: str) -> bool:
        return any(
            path == f or path.startswith(f.rstrip("/") + "/")
            for f in self.settings.analysis.preferred_folders
        )

    async def _semantic(self, report: AnalysisReport) -> list[StoredGroupRow]:
        """Immich's own duplicate groups (CLIP-based), as a review-only third tier."""
        if not (
            self.settings.analysis.immich_duplicates
            and self.settings.immich.url
            and self.connect is not None
        ):
            return []
        out: list[StoredGroupRow] = []
        ours = await self.analysis.published_duplicate_ids()
        for label, key in self.settings.user_keys():
            client = self.connect(key)
            try:
                groups = await client.duplicates()
            except ImmichError as exc:
                report.semantic_error = f"{label}: {exc}"
                log.info("analysis: Immich's duplicate groups for %s: %s", label, exc)
                continue
            finally:
                await client.aclose()
            for group in groups:
                if group.duplicate_id in ours:  # a group write-back published: not Immich's
                    continue
                members = [self._asset_member(a) for a in group.assets]
                keeper = (group.suggested_keep_asset_ids or [group.assets[0].id])[0]
                kept = next((a for a in group.assets if a.id == keeper), group.assets[0])
                reasons = [
                    "Immich's own duplicate detection (review only; not verified here)",
                    f"Immich suggests keeping {kept.original_file_name}",
                ]
                reclaim = sum(m.size or 0 for m in members if m.key != kept.id)
                out.append(
                    (Tier.SEMANTIC.value, kept.owner_id, kept.id, reasons, 0, reclaim, members)
                )
        return out

    def _asset_member(self, asset: Asset) -> Member:
        local = self.settings.map_immich_path(asset.original_path)
        exif = asset.exif
        taken = exif.date_time_original.isoformat() if exif and exif.date_time_original else None
        size = exif.file_size if exif else None
        path = str(local) if local else asset.original_path
        return Member(asset.id, path, asset.id, size, asset.width, asset.height, taken)

    async def _decisions(self) -> Decisions:
        not_dup: set[frozenset[str]] = set()
        kept: list[frozenset[str]] = []
        for kind, keys in await self.analysis.decisions():
            if kind == "not_duplicates":
                not_dup |= {frozenset((a, b)) for n, a in enumerate(keys) for b in keys[n + 1 :]}
            else:
                kept.append(frozenset(keys))
        return Decisions(frozenset(not_dup), tuple(kept))
