-- Supplier assurance: an organisation registers the suppliers it buys from,
-- each with the allowed signers file its bundles must be signed under, and
-- keeps every uploaded bundle's verification result. A rejected bundle is
-- kept too, with the reason, so the record shows what was refused.
ALTER TABLE server_organisations ADD COLUMN required_assurance TEXT NOT NULL DEFAULT 'observed';

CREATE TABLE server_suppliers (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES server_organisations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    allowed_signers TEXT NOT NULL,
    identity        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE server_bundles (
    id            INTEGER PRIMARY KEY,
    supplier_id   INTEGER NOT NULL REFERENCES server_suppliers (id) ON DELETE CASCADE,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    verified      INTEGER NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    signer        TEXT NOT NULL DEFAULT '',
    key_id        TEXT NOT NULL DEFAULT '',
    product       TEXT NOT NULL DEFAULT '',
    subject_commit TEXT NOT NULL DEFAULT '',
    assurance     TEXT NOT NULL DEFAULT '',
    next_review   TEXT NOT NULL DEFAULT '',
    signed_at     TEXT NOT NULL DEFAULT '',
    report        TEXT NOT NULL DEFAULT ''
);

CREATE INDEX server_bundles_supplier ON server_bundles (supplier_id);
