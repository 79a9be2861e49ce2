-- HeaterOrleans migration 002: what Orleans' ADO.NET reminder service (10.x) reads; the stale-sensor failsafe
-- keeps one reminder per heater that is On. As in 001, the query keys, the @Parameter names and the result column
-- names are the contract with Orleans; the table and the SQL are ours. Idempotent like 001.

CREATE TABLE IF NOT EXISTS orleansreminders
(
    serviceid    varchar(150) NOT NULL,
    grainid      varchar(150) NOT NULL,
    remindername varchar(150) NOT NULL,
    starttime    timestamptz  NOT NULL,
    period       bigint       NOT NULL, -- milliseconds
    grainhash    bigint       NOT NULL, -- the grain's uniform hash, as the unsigned 32-bit number it is
    version      integer      NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);

-- Each silo's reminder service loads the rows of its hash range at start and on every membership change.
CREATE INDEX IF NOT EXISTS orleansreminders_range ON orleansreminders (serviceid, grainhash);

-- Orleans binds hashes as signed integers (the uint's bits reinterpreted) but its ranges are unsigned: compared
-- as signed, a range that crosses 2^31 would select nothing and its reminders would never fire. Comparing the
-- unsigned values keeps every range exact.
CREATE OR REPLACE FUNCTION heater_unsigned_hash(hash integer)
    RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT hash::bigint & 4294967295 $$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', '
    INSERT INTO orleansreminders AS r (serviceid, grainid, remindername, starttime, period, grainhash, version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, heater_unsigned_hash(@GrainHash), 0)
    ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
        SET starttime = excluded.starttime, period = excluded.period, grainhash = excluded.grainhash,
            version = r.version + 1
    RETURNING version'),
('ReadReminderRowsKey', '
    SELECT grainid, remindername, starttime, period, version
      FROM orleansreminders
     WHERE serviceid = @ServiceId AND grainid = @GrainId'),
('ReadReminderRowKey', '
    SELECT grainid, remindername, starttime, period, version
      FROM orleansreminders
     WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName'),
-- BeginHash < EndHash (unsigned): the range (begin, end].
('ReadRangeRows1Key', '
    SELECT grainid, remindername, starttime, period, version
      FROM orleansreminders
     WHERE serviceid = @ServiceId
       AND grainhash > heater_unsigned_hash(@BeginHash) AND grainhash <= heater_unsigned_hash(@EndHash)'),
-- Otherwise the range wraps around zero: (begin, 2^32) and [0, end].
('ReadRangeRows2Key', '
    SELECT grainid, remindername, starttime, period, version
      FROM orleansreminders
     WHERE serviceid = @ServiceId
       AND (grainhash > heater_unsigned_hash(@BeginHash) OR grainhash <= heater_unsigned_hash(@EndHash))'),
-- Only the version read last may delete: a reminder re-registered meanwhile stays.
('DeleteReminderRowKey', '
    WITH deleted AS (
        DELETE FROM orleansreminders
         WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName AND version = @Version
        RETURNING 1)
    SELECT count(*) > 0 FROM deleted'),
('DeleteReminderRowsKey', '
    DELETE FROM orleansreminders WHERE serviceid = @ServiceId')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
