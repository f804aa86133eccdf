"""The part of the library a partial regroup rebuilds: what the touched inputs reach.

Results fall apart along contents: an exact group is one (owner, content), a near group lies
within one set of contents the stored near edges connect, pairs and bursts lie within one
folder. So the part is: the touched contents, the contents of the touched places (old and new
paths of files and assets, members of decisions) and of the stored groups and pairs holding a
touched member, closed over the near edges; every candidate with those contents; and every
shot of the folders they and the touched places are in (pairs there are found again, and the
near step must know which members are pairs). Decisions are read whole (a person's, few):
they only act within a group. Every read is an index lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sidecar.engine.core.candidates import RemoteMember
from sidecar.engine.core.drift import AssetView
from sidecar.engine.core.models import AssetLink, MediaItem, NearEdge
from sidecar.engine.core.models.inventory import join_path
from sidecar.engine.core.naming import parse_stem, split_name
from sidecar.engine.core.touched import Seeds, seeds
from sidecar.engine.ports import AnalysisResults, AssetInventory
from sidecar.engine.ports.scope import Folder, Place
from sidecar.engine.support.paths import asset_views
from sidecar.settings import Settings

SMALL = 5_000  # touched rows or contents always worth a partial regroup
SHARE = 5  # beyond a fifth of the library, a full regroup is cheaper


@dataclass(slots=True)
class Part:
    contents: set[str]  # closed under the stored near edges
    media: list[MediaItem]  # their candidates and every file of their folders
    views: list[AssetView]  # the assets of those files
    edges: list[NearEdge]
    seeds: set[str] = field(default_factory=set)  # member keys touched (and paths)
    pair_seeds: set[str] = field(default_factory=set)  # and those of decided pairs
    remote: list[AssetLink] = field(default_factory=list)  # remote members: of their
    # contents, in their folders (and in the order a full read gives them)
    links: list[AssetLink] = field(default_factory=list)  # the assets of `views`


async def touched_seeds(store: AnalysisResults, upto: int, library_size: int) -> Seeds | None:
    """What the rows touched up to `upto` name; None when a full regroup is due (a root, an
    album or tag name changed, or too many rows to pay). A touched asset naming a live-photo
    video touches that video too: a still arriving (or going) makes it a motion part (or a
    video of its own again), decided again with its content."""
    if await store.count_touched(upto) > _limit(library_size):
        return None
    found = seeds(await store.touched(upto))
    if found.full:
        return None
    named = await store.motion_parts_named_by(found.assets) if found.assets else set()
    found.assets |= named
    found.keys |= named
    return found


async def find_part(
    store: AnalysisResults,
    assets: AssetInventory,
    settings: Settings,
    upto: int,
    library_size: int,
    remote: bool = False,
) -> Part | None:
    """What the rows touched since the stored results (up to `upto`) reach; None when a full
    regroup is due (a root, an album or tag name changed, or the part is too large to pay).
    `remote`: the store's remote members take part (Immich configured; kept up to date for
    the touched rows before, see `remote_members`)."""
    limit = _limit(library_size)
    found = await touched_seeds(store, upto, library_size)
    if found is None:
        return None
    roots = await store.root_paths()
    paths = {_join(roots, p) for p in found.places if p[0] in roots}
    paths |= {p for p in map(settings.local_path_of, found.immich_paths) if p}
    keys = set(found.keys)
    paths |= await _paths_of(assets, settings, keys)
    keys |= {a.id for a in await _links_at(store, settings, paths)} | paths
    _, _, held = await store.results_holding(keys)
    keys |= {k for k, _ in held}
    held_paths = {p for _, p in held if p}
    paths |= held_paths
    places = {p for p in (_place(roots, path) for path in paths) if p} | found.places
    contents = set(found.contents) | set((await store.contents_at(places)).values())
    # a remote member reached (touched, or held with one that was): its content, its folder
    reached = await store.remote_members_of(keys) if remote else []
    contents |= {r.content_key for r in reached}
    dirs = {p.rpartition("/")[0] for p in held_paths} | {r.folder for r in reached}
    # a decided pair: only its folder pairs again (pairs never change groups, see grouping)
    paired = await _paths_of(assets, settings, found.pair_keys)
    _, _, held = await store.results_holding(found.pair_keys)
    paired |= {p for _, p in held if p}
    pair_places = {p for p in (_place(roots, path) for path in paired) if p}
    # a decided video pair (a trim) is found again only with its contents (a video's)
    paired_contents = list(set((await store.contents_at(pair_places)).values()))
    contents |= await store.video_print_keys(paired_contents) if paired_contents else set()
    if remote:
        dirs |= {p.rpartition("/")[0] for _, p in held if p}
        dirs |= {r.folder for r in await store.remote_members_of(found.pair_keys)}
    frontier = set(contents)
    while frontier:
        frontier = await store.neighbours(frontier) - contents
        contents |= frontier
        if len(contents) > limit:
            return None
    folders: set[Folder] = {(r, d) for r, d, _ in places | pair_places}
    by_content = await store.media_of(contents)
    folders |= {f for f, _ in by_content}
    media = {m.path: m for _, m in by_content}
    members: dict[str, RemoteMember] = {}
    if remote:
        members.update((r.asset_id, r) for r in await store.remote_with_contents(contents))
        dirs |= {r.folder for r in members.values()}
    await _add_folders(store, roots, (folders, dirs if remote else None), media, members)
    links = await _links_at(store, settings, media.keys())
    views = asset_views(links, settings)
    edges = await store.edges_from(contents)
    linked = await store.links_in_order(members) if members else []
    seeds = keys | found.pair_keys
    return Part(contents, list(media.values()), views, edges, keys, seeds, linked, links)


def _limit(library_size: int) -> int:
    return max(SMALL, library_size // SHARE)


async def _add_folders(
    store: AnalysisResults,
    roots: dict[int, str],
    start: tuple[set[Folder], set[str] | None],
    media: dict[str, MediaItem],
    members: dict[str, RemoteMember],
) -> None:
    """Every file of these folders into `media`, and of the folders holding frames of the
    bursts tagged in their names (a tagged burst spans folders), until none is new. With
    remote members (a set of folder paths, not None), theirs in those folders (by path: a
    local folder is also one of theirs, and the other way round) into `members` alike."""
    folders, dirs = start
    remote = dirs is not None
    todo, todo_dirs = set(folders), set(dirs or ())
    seen, seen_dirs = set[Folder](), set[str]()
    tags = set[str]()
    named: list[tuple[Folder, str]] | None = None
    remote_named: list[RemoteMember] | None = None
    while todo or todo_dirs:
        if remote:  # one folder, two names: (root, folder) for files, its path for members
            todo |= {f for f in (_folder_of(roots, d) for d in todo_dirs) if f}
            todo_dirs |= {_folder_path(roots, f) for f in todo if f[0] in roots}
        todo, todo_dirs = todo - seen, todo_dirs - seen_dirs
        seen |= todo
        seen_dirs |= todo_dirs
        found = await store.media_in(todo)
        media.update((m.path, m) for _, m in found)
        names = [m.path for _, m in found]
        if remote and todo_dirs:
            more = await store.remote_in(todo_dirs)
            members.update((r.asset_id, r) for r in more)
            names += [r.path for r in more]
        new_tags = {t for t in map(_tag, names) if t} - tags
        todo, todo_dirs = set(), set()
        if new_tags:
            tags |= new_tags
            named = await store.burst_named() if named is None else named
            todo = {f for f, name in named if _tag(name) in new_tags} - seen
            if remote:
                if remote_named is None:
                    remote_named = await store.remote_burst_named()
                todo_dirs = {r.folder for r in remote_named if _tag(r.path) in new_tags}


def _folder_of(roots: dict[int, str], folder: str) -> Folder | None:
    place = _place(roots, folder + "/-")
    return (place[0], place[1]) if place else None


def _folder_path(roots: dict[int, str], folder: Folder) -> str:
    return join_path(roots[folder[0]], folder[1], "-").rpartition("/")[0]


def _tag(path: str) -> str | None:
    tag = parse_stem(split_name(path.rpartition("/")[2])[0]).burst_tag
    return tag.upper() if tag else None


async def _paths_of(assets: AssetInventory, settings: Settings, keys: set[str]) -> set[str]:
    """The local paths of these member keys (paths already, or asset ids)."""
    ids = [k for k in keys if "/" not in k]
    found = {p for p in (_local(settings, a) for a in await assets.links_of(ids)) if p}
    return found | {k for k in keys if "/" in k}


async def _links_at(
    store: AnalysisResults, settings: Settings, paths: Iterable[str]
) -> list[AssetLink]:
    immich = [i for p in paths for i in settings.immich_paths_of(p)]
    return await store.links_at(immich) if immich else []


def _local(settings: Settings, link: AssetLink) -> str | None:
    return settings.local_path_of(link.original_path) if link.original_path else None


def _join(roots: dict[int, str], place: Place) -> str:
    root_id, rel_dir, name = place
    return join_path(roots[root_id], rel_dir, name)


def _place(roots: dict[int, str], path: str) -> Place | None:
    """The root (longest prefix), folder and name of a local path."""
    best: tuple[int, int] | None = None
    for root_id, root in roots.items():
        prefix = root.rstrip("/")
        if path.startswith(prefix + "/") and (best is None or len(prefix) > best[1]):
            best = (root_id, len(prefix))
    if best is None:
        return None
    folder, _, name = path[best[1] + 1 :].rpartition("/")
    return best[0], folder, name
