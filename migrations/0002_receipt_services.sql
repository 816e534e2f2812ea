-- Consent per service (issue 12 item 3): the services a decision granted on their own, besides
-- their category ("youtube" without the rest of marketing), space-separated. NULL in a row written
-- before this column existed: it granted no service on its own.
ALTER TABLE consent_receipts ADD COLUMN services TEXT;
