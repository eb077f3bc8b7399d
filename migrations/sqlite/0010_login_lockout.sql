-- Wrong staff passwords per account name (domain::lockout), kept in the database so
-- every portal process counts them together. Names that are no account are counted
-- too: the lockout notice must not tell which accounts exist.
CREATE TABLE login_failures (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    first_at     INTEGER NOT NULL,
    locked_until INTEGER
);
