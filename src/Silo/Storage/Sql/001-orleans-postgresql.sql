-- HeaterOrleans migration 001: what Orleans' ADO.NET grain storage and clustering providers (10.x) read.
-- The providers look their statements up by key in orleansquery, bind parameters by name (@Name) and read
-- result columns by name, so those names are the contract; everything else here is ours.
-- Idempotent: every object is created only when missing and every query row is upserted, so running this
-- again (or on a database set up by Orleans' own scripts) converges on these definitions.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64)   NOT NULL PRIMARY KEY,
    querytext varchar(8000) NOT NULL
);

-- Grain state -------------------------------------------------------------------------------------------
-- One row per grain: unlike a plain index, the unique key makes a racing first write of the same grain
-- (two activations during a membership change) fail cleanly instead of leaving two rows.
CREATE TABLE IF NOT EXISTS orleansstorage
(
    grainidhash            integer      NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    graintypehash          integer      NOT NULL,
    graintypestring        varchar(512) NOT NULL,
    grainidextensionstring varchar(512),
    serviceid              varchar(150) NOT NULL,
    payloadbinary          bytea,
    modifiedon             timestamp    NOT NULL,
    version                integer
);

CREATE UNIQUE INDEX IF NOT EXISTS orleansstorage_grain
    ON orleansstorage (serviceid, graintypestring, grainidn0, grainidn1, (coalesce(grainidextensionstring, '')));

-- Orleans 10 hands every serializer's output over as bytes (@PayloadBinary), whatever its format.
-- Returns the new version; returning the version passed in tells Orleans the write lost a race
-- (InconsistentStateException): an update needs the version it read, a first insert needs no row yet.
CREATE OR REPLACE FUNCTION heater_write_grain_state(
    p_grainidhash integer, p_grainidn0 bigint, p_grainidn1 bigint, p_graintypehash integer,
    p_graintypestring varchar, p_grainidextensionstring varchar, p_serviceid varchar,
    p_version integer, p_payloadbinary bytea)
    RETURNS TABLE (newgrainstateversion integer)
    LANGUAGE plpgsql
AS $$
DECLARE
    written integer;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO orleansstorage AS s (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
            grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
        VALUES (p_grainidhash, p_grainidn0, p_grainidn1, p_graintypehash, p_graintypestring,
            p_grainidextensionstring, p_serviceid, p_payloadbinary, now() AT TIME ZONE 'utc', 1)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS written = ROW_COUNT;
        RETURN QUERY SELECT CASE WHEN written > 0 THEN 1 END;
        RETURN;
    END IF;

    UPDATE orleansstorage
       SET payloadbinary = p_payloadbinary, modifiedon = now() AT TIME ZONE 'utc', version = version + 1
     WHERE serviceid = p_serviceid AND graintypestring = p_graintypestring
       AND grainidn0 = p_grainidn0 AND grainidn1 = p_grainidn1
       AND coalesce(grainidextensionstring, '') = coalesce(p_grainidextensionstring, '')
       AND version = p_version;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN QUERY SELECT CASE WHEN written > 0 THEN p_version + 1 ELSE p_version END;
END
$$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('WriteToStorageKey', '
    SELECT newgrainstateversion FROM heater_write_grain_state(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
        @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary)'),
('ReadFromStorageKey', '
    SELECT payloadbinary, version
      FROM orleansstorage
     WHERE serviceid = @ServiceId AND graintypestring = @GrainTypeString
       AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
       AND coalesce(grainidextensionstring, '''') = coalesce(@GrainIdExtensionString, '''')
       AND @GrainIdHash IS NOT NULL AND @GrainTypeHash IS NOT NULL'),
('ClearStorageKey', '
    UPDATE orleansstorage
       SET payloadbinary = NULL, version = version + 1
     WHERE serviceid = @ServiceId AND graintypestring = @GrainTypeString
       AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
       AND coalesce(grainidextensionstring, '''') = coalesce(@GrainIdExtensionString, '''')
       AND version = @GrainStateVersion AND @GrainIdHash IS NOT NULL AND @GrainTypeHash IS NOT NULL
    RETURNING version AS newgrainstateversion'),
('DeleteStorageKey', '
    DELETE FROM orleansstorage
     WHERE serviceid = @ServiceId AND graintypestring = @GrainTypeString
       AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
       AND coalesce(grainidextensionstring, '''') = coalesce(@GrainIdExtensionString, '''')
       AND version = @GrainStateVersion AND @GrainIdHash IS NOT NULL AND @GrainTypeHash IS NOT NULL
    RETURNING version AS newgrainstateversion')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;

-- Cluster membership --------------------------------------------------------------------------------------
-- The table version is the optimistic-concurrency token of the whole membership table: every change
-- of a row must move it from the version the silo read, or change nothing.
CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar(150)   NOT NULL PRIMARY KEY,
    timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    version      integer        NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar(150)   NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address      varchar(45)    NOT NULL,
    port         integer        NOT NULL,
    generation   integer        NOT NULL,
    siloname     varchar(150)   NOT NULL,
    hostname     varchar(150)   NOT NULL,
    status       integer        NOT NULL,
    proxyport    integer,
    suspecttimes varchar(8000),
    starttime    timestamptz(3) NOT NULL,
    iamalivetime timestamptz(3) NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

-- Moves the table version on from the one the silo read; false when another silo moved it first.
CREATE OR REPLACE FUNCTION heater_bump_membership_version(p_deploymentid varchar, p_version integer)
    RETURNS boolean
    LANGUAGE sql
AS $$
    WITH bumped AS (
        UPDATE orleansmembershipversiontable SET version = version + 1, timestamp = now()
         WHERE deploymentid = p_deploymentid AND version = p_version
        RETURNING 1)
    SELECT count(*) > 0 FROM bumped
$$;

-- Both membership writes bump the table version first and undo it (by failing the sub-block) when
-- the row part does not apply, so the result is all or nothing; 1 = done, 0 = lost the race.
CREATE OR REPLACE FUNCTION heater_insert_member(
    p_deploymentid varchar, p_address varchar, p_port integer, p_generation integer, p_siloname varchar,
    p_hostname varchar, p_status integer, p_proxyport integer, p_starttime timestamptz,
    p_iamalivetime timestamptz, p_version integer)
    RETURNS TABLE (row_count integer)
    LANGUAGE plpgsql
AS $$
DECLARE
    changed integer;
BEGIN
    BEGIN
        IF NOT heater_bump_membership_version(p_deploymentid, p_version) THEN
            RETURN QUERY SELECT 0;
            RETURN;
        END IF;

        INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname,
            status, proxyport, starttime, iamalivetime)
        VALUES (p_deploymentid, p_address, p_port, p_generation, p_siloname, p_hostname,
            p_status, p_proxyport, p_starttime, p_iamalivetime)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = 0 THEN
            RAISE EXCEPTION 'member exists' USING ERRCODE = 'HO001';
        END IF;

        RETURN QUERY SELECT 1;
    EXCEPTION WHEN SQLSTATE 'HO001' THEN
        RETURN QUERY SELECT 0;
    END;
END
$$;

CREATE OR REPLACE FUNCTION heater_update_member(
    p_deploymentid varchar, p_address varchar, p_port integer, p_generation integer, p_status integer,
    p_suspecttimes varchar, p_iamalivetime timestamptz, p_version integer)
    RETURNS TABLE (row_count integer)
    LANGUAGE plpgsql
AS $$
DECLARE
    changed integer;
BEGIN
    BEGIN
        IF NOT heater_bump_membership_version(p_deploymentid, p_version) THEN
            RETURN QUERY SELECT 0;
            RETURN;
        END IF;

        UPDATE orleansmembershiptable
           SET status = p_status, suspecttimes = p_suspecttimes, iamalivetime = p_iamalivetime
         WHERE deploymentid = p_deploymentid AND address = p_address AND port = p_port AND generation = p_generation;
        GET DIAGNOSTICS changed = ROW_COUNT;
        IF changed = 0 THEN
            RAISE EXCEPTION 'no such member' USING ERRCODE = 'HO001';
        END IF;

        RETURN QUERY SELECT 1;
    EXCEPTION WHEN SQLSTATE 'HO001' THEN
        RETURN QUERY SELECT 0;
    END;
END
$$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', '
    WITH created AS (
        INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@DeploymentId)
        ON CONFLICT DO NOTHING RETURNING 1)
    SELECT count(*)::integer FROM created'),
('InsertMembershipKey', '
    SELECT row_count FROM heater_insert_member(@DeploymentId, @Address, @Port, @Generation, @SiloName,
        @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version)'),
('UpdateMembershipKey', '
    SELECT row_count FROM heater_update_member(@DeploymentId, @Address, @Port, @Generation, @Status,
        @SuspectTimes, @IAmAliveTime, @Version)'),
('UpdateIAmAlivetimeKey', '
    UPDATE orleansmembershiptable SET iamalivetime = @IAmAliveTime
     WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation'),
('MembershipReadRowKey', '
    SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
           m.suspecttimes, m.starttime, m.iamalivetime, v.version
      FROM orleansmembershipversiontable v
      LEFT JOIN orleansmembershiptable m
        ON m.deploymentid = v.deploymentid AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
     WHERE v.deploymentid = @DeploymentId'),
('MembershipReadAllKey', '
    SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
           m.suspecttimes, m.starttime, m.iamalivetime, v.version
      FROM orleansmembershipversiontable v
      LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
     WHERE v.deploymentid = @DeploymentId'),
('DeleteMembershipTableEntriesKey', '
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId;
    DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId'),
('GatewaysQueryKey', '
    SELECT address, proxyport, generation FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0'),
-- Only rows of silos declared dead (status 6) that stopped heartbeating before the cutoff are removed.
('CleanupDefunctSiloEntriesKey', '
    DELETE FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId AND status = 6
       AND iamalivetime < @IAmAliveTime AND starttime < @IAmAliveTime'),
('CleanupDefunctSiloEntryKey', '
    DELETE FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId AND status = 6
       AND address = @Address AND port = @Port AND generation = @Generation
       AND iamalivetime = @IAmAliveTime AND starttime = @StartTime
       AND coalesce(suspecttimes, '''') = coalesce(@SuspectTimes, '''')')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
