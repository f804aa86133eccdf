"""SQL of the remote members (0020): the assets an analysis with Immich configured compares
with no local file to decode (videos, uploads not mounted here, paths not among the local
media), kept between runs so a partial regroup finds those its changes reach by index instead
of reading every asset. Written whole by a full regroup, by asset in a partial one."""

REMOTE_MEMBERS_0020 = """
-- One row per remote member: its fingerprint key (`asset:<id>`, or the upload's hex SHA-1,
-- shared with a local file of the same content), its path as the analysis sees it (mapped
-- through the libraries, else Immich's) and that path's folder (pairs and bursts lie within
-- one). Valid once a full regroup with Immich configured wrote it (meta
-- 'analysis.remote_members'): until then every analysis with Immich regroups whole.
CREATE TABLE remote_members (
    asset_id    TEXT PRIMARY KEY,
    content_key TEXT NOT NULL,
    folder      TEXT NOT NULL,
    path        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX remote_members_by_content ON remote_members (content_key);
CREATE INDEX remote_members_by_folder ON remote_members (folder);
"""
