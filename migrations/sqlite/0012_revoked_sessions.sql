-- Sessions ended by signing out, by the hash of their cookie (never the cookie), until
-- the cookie would have expired anyway. Session cookies are signed, not stored, so
-- without this a copy of a signed-out cookie would keep working until its expiry; in
-- the database, a sign-out on one portal process ends the session on every process.
CREATE TABLE revoked_sessions (
    session_hash TEXT PRIMARY KEY,
    until_ms     INTEGER NOT NULL
);
CREATE INDEX revoked_sessions_until ON revoked_sessions(until_ms);
