-- The inventory: what each site really sets and loads, aggregated from real traffic
-- (src/inventory/). One row per site, kind, name, source and action. Nothing personal is stored:
-- cookie names (never values), hostnames, paths without query strings, counts and times.
CREATE TABLE IF NOT EXISTS inventory_entries (
  site TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('cookie', 'host')),
  name TEXT NOT NULL,                 -- a cookie's name or a host; '(other)' past the per-site cap
  source TEXT NOT NULL CHECK (source IN ('set-cookie', 'request-cookie', 'page', 'browser')),
  action TEXT NOT NULL,               -- what enforce did or would do: kept, dropped, refused...
  rule TEXT,                          -- the rule that matched, latest seen; NULL: undeclared
  category TEXT,                      -- its category, latest seen; NULL: undeclared
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,        -- Unix seconds
  last_seen INTEGER NOT NULL,         -- Unix seconds
  sample_paths TEXT NOT NULL DEFAULT '[]', -- JSON array of at most 3 paths below the site
  PRIMARY KEY (site, kind, name, source, action)
) WITHOUT ROWID;                      -- the key is the row: one row written per new entry, not two

-- Named rows per site and side, counted by the flushes themselves (src/inventory/store.ts: a new
-- name reserves its row here first), so that the cap reads one row instead of counting the site's
-- rows. Side: 'origin' (Set-Cookie, page hosts) or 'visitor' (Cookie headers, browser reports), each
-- with its own budget, so that names a visitor makes up never displace the origin's. The cap + 1
-- means full: new names of that side go to the overflow rows.
CREATE TABLE IF NOT EXISTS inventory_sites (
  site TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('origin', 'visitor')),
  entries INTEGER NOT NULL,
  PRIMARY KEY (site, side)
) WITHOUT ROWID;

-- One row per flush that committed (its random id), in the flush's own transaction: a retry of a
-- flush that did commit fails on the primary key and is dropped, never counted twice. Purged
-- after a day by the flushes themselves.
CREATE TABLE IF NOT EXISTS inventory_flushes (
  id TEXT PRIMARY KEY,
  flushed_at INTEGER NOT NULL         -- Unix seconds
);
CREATE INDEX IF NOT EXISTS inventory_flushes_at ON inventory_flushes (flushed_at);
