-- Consent receipts: proof of each decision made through the consent API.
-- No IP address, user agent or other identifier is stored: only the receipt id, which the
-- visitor holds in their consent cookie.
CREATE TABLE IF NOT EXISTS consent_receipts (
  id TEXT PRIMARY KEY,
  site TEXT NOT NULL,
  created_at INTEGER NOT NULL,        -- Unix seconds
  policy_revision TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('grant', 'withdraw')),
  granted TEXT NOT NULL,              -- granted categories, space-separated, "necessary" included
  method TEXT NOT NULL,               -- 'form' (no JavaScript) or 'json' (banner script, API)
  region TEXT NOT NULL,               -- e.g. "DE (opt-in)"; "unknown (opt-in)" without geolocation
  previous_id TEXT                    -- the receipt this decision replaces, from the visitor's cookie
);
CREATE INDEX IF NOT EXISTS consent_receipts_site_created ON consent_receipts (site, created_at);
