-- HeaterOrleans migration 003: grain state for our own PostgreSQL grain storage (PostgreSqlGrainStorage), which
-- writes many grains' state in one statement (group commit) and reads many in one. Idempotent like 001.
-- orleansstorage (001) stays: state written there by earlier versions is still read when a grain has no row here.

CREATE TABLE IF NOT EXISTS heater_grain_state
(
    service_id  varchar(150) NOT NULL,
    grain_id    varchar(512) NOT NULL, -- GrainId.ToString(), e.g. sensor/2a
    state_name  varchar(150) NOT NULL,
    version     bigint       NOT NULL, -- the ETag: every write must name the version it read
    payload     bytea        NOT NULL,
    -- The stale-sensor failsafe: true while the stored state says the heater is On, so a silo can find the heaters
    -- that an activation on a silo that is gone was watching (owner), and wake them.
    watch       boolean      NOT NULL DEFAULT false,
    owner       varchar(150),          -- the silo whose activation wrote or read this row last
    modified_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_id, state_name)
)
-- A sensor's row is rewritten on every command. With room left in each page and no index but the key, PostgreSQL
-- updates it in place (a HOT update: no index entry, less WAL, less vacuum). That is why the failsafe recovery's
-- query (rare: at start and on membership changes) has no index of its own.
WITH (fillfactor = 70);
