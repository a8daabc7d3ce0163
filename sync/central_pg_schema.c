/* central_pg_schema.c: the PostgreSQL schema, one script per version, with its security. */
#include "central_pg.h"

/*
 * Everything lives in the schema "latedoor", owned by the admin role that ran the first init.
 * Devices log in as their own roles (ld_dev_NAME), all members of the group role ld_device, and
 * reach the data only through the grants and row-level security policies below:
 *   - a device reads its own school's rows of schools, pupils, cards, versions, calendar and
 *     settings, its own row of devices, and its school's events;
 *   - it may INSERT events only with its own device id and school;
 *   - it has no UPDATE, DELETE or TRUNCATE on anything, and a trigger refuses UPDATE of events
 *     for everyone, the admin included: the log is append-only.
 * Row-level security is FORCEd on every table so the owner goes through the policies too; the
 * owner's own policy (TO CURRENT_USER, fixed at creation) lets the admin do its work.
 *
 * Never edit a script once shipped: add the next one. Each version is kept as a fixture
 * (tests/central/fixtures/v*.pg.sql) that the migration test loads.
 */

/* The device's school, as row-level security sees it: an uncorrelated subquery, so it is run
 * once per statement (an InitPlan), not once per row. */
#define MY_SCHOOL "(SELECT d.school_id FROM latedoor.devices d WHERE d.role_name = current_user)"
#define MY_DEVICE "(SELECT d.id FROM latedoor.devices d WHERE d.role_name = current_user)"

#define SECURE(table)                                                                              \
    "ALTER TABLE latedoor." table " ENABLE ROW LEVEL SECURITY;"                                    \
    "ALTER TABLE latedoor." table " FORCE ROW LEVEL SECURITY;"                                     \
    "CREATE POLICY admin_all ON latedoor." table                                                   \
    " TO CURRENT_USER USING (true) WITH CHECK (true);"

#define DEVICE_READS_SCHOOL(table, column)                                                         \
    "CREATE POLICY device_read ON latedoor." table " FOR SELECT TO ld_device USING (" column       \
    " = " MY_SCHOOL ");"

/* clang-format off */
const char *const central__pg_migrations[LD_CENTRAL_SCHEMA_VERSION] = {
    /* 1: schools, devices, the roster, content versions, the merged event log */
    "CREATE SCHEMA latedoor;"
    "REVOKE ALL ON SCHEMA latedoor FROM PUBLIC;"
    "CREATE TABLE latedoor.schema_version (version integer NOT NULL);"
    "INSERT INTO latedoor.schema_version VALUES (0);"
    /* The group role is cluster-wide and may exist already (another latedoor database). */
    "DO $$ BEGIN CREATE ROLE ld_device NOLOGIN;"
    " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;"
    "CREATE TABLE latedoor.schools ("
    " id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 32),"
    " name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 64),"
    " created_ms bigint NOT NULL DEFAULT (extract(epoch FROM now()) * 1000)::bigint);"
    "CREATE TABLE latedoor.devices ("
    " id text PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 32),"
    " school_id text NOT NULL REFERENCES latedoor.schools (id),"
    " role_name text UNIQUE,"
    " created_ms bigint NOT NULL DEFAULT (extract(epoch FROM now()) * 1000)::bigint);"
    "CREATE TABLE latedoor.pupils ("
    " school_id text NOT NULL REFERENCES latedoor.schools (id),"
    " upn text NOT NULL CHECK (octet_length(upn) BETWEEN 1 AND 13),"
    " ord integer NOT NULL,"
    " legal_first text NOT NULL, legal_last text NOT NULL,"
    " preferred_first text NOT NULL, preferred_last text NOT NULL,"
    " year text NOT NULL, class_name text NOT NULL, family text NOT NULL,"
    " flags integer NOT NULL,"
    " PRIMARY KEY (school_id, upn));"
    "CREATE TABLE latedoor.cards ("
    " school_id text NOT NULL,"
    " card text NOT NULL CHECK (octet_length(card) BETWEEN 2 AND 20),"
    " upn text NOT NULL,"
    " PRIMARY KEY (school_id, card),"
    " FOREIGN KEY (school_id, upn) REFERENCES latedoor.pupils (school_id, upn)"
    "  ON DELETE CASCADE);"
    "CREATE INDEX cards_pupil ON latedoor.cards (school_id, upn);"
    "CREATE TABLE latedoor.versions ("
    " school_id text NOT NULL REFERENCES latedoor.schools (id),"
    " part text NOT NULL CHECK (part IN ('roster', 'calendar', 'settings')),"
    " version bigint NOT NULL CHECK (version >= 0),"
    " digest text NOT NULL,"
    " PRIMARY KEY (school_id, part));"
    /* The hot table: every index costs each push. The primary key serves pulls (a school's
     * events after a cursor); (device_id, seq) is the identity; uuid is checked unique too.
     * Keys are COLLATE "C": byte order, whatever the database's locale. device_id has no
     * foreign key (a trigger per row): a device role's rows are pinned to its own device by the
     * insert policy, and the admin's pushes go through a device lookup first. */
    "CREATE TABLE latedoor.events ("
    " global_seq bigint GENERATED ALWAYS AS IDENTITY,"
    " school_id text COLLATE \"C\" NOT NULL,"
    " device_id text COLLATE \"C\" NOT NULL CHECK (octet_length(device_id) BETWEEN 1 AND 32),"
    " seq bigint NOT NULL CHECK (seq >= 1),"
    " uuid uuid NOT NULL,"
    " kind smallint NOT NULL CHECK (kind BETWEEN 1 AND 7),"
    " at_ms bigint NOT NULL, mono_ms bigint NOT NULL,"
    " boot_id text NOT NULL CHECK (octet_length(boot_id) <= 36),"
    " clock_state smallint NOT NULL CHECK (clock_state BETWEEN 0 AND 3),"
    " upn text NOT NULL CHECK (octet_length(upn) <= 13),"
    " card text NOT NULL CHECK (octet_length(card) <= 20),"
    " source smallint NOT NULL CHECK (source BETWEEN 1 AND 5),"
    " staff text NOT NULL CHECK (octet_length(staff) <= 64),"
    " reason text NOT NULL CHECK (octet_length(reason) <= 200),"
    " ref_device text NOT NULL CHECK (octet_length(ref_device) <= 32),"
    " ref_seq bigint NOT NULL CHECK (ref_seq >= 0),"
    " fixed_at_ms bigint NOT NULL,"
    " received_ms bigint NOT NULL DEFAULT (extract(epoch FROM now()) * 1000)::bigint,"
    " PRIMARY KEY (school_id, global_seq), UNIQUE (device_id, seq), UNIQUE (uuid));"
    "CREATE FUNCTION latedoor.events_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'latedoor events are append-only'"
    " USING ERRCODE = 'insufficient_privilege'; END $$;"
    "CREATE TRIGGER events_append_only BEFORE UPDATE ON latedoor.events"
    " FOR EACH STATEMENT EXECUTE FUNCTION latedoor.events_append_only();"
    /* Device roles are made here so the client never builds DDL: the role name and the SCRAM
     * verifier arrive as parameters and format() quotes them. The clear password never reaches
     * the server, so it cannot appear in its logs. */
    "CREATE FUNCTION latedoor.add_device(p_school text, p_device text, p_role text,"
    " p_verifier text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN"
    " EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE ld_device CONNECTION LIMIT 8',"
    "  p_role, p_verifier);"
    " EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', p_role,"
    "  '60s');"
    " EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', p_role, '300s');"
    " INSERT INTO latedoor.devices (id, school_id, role_name)"
    "  VALUES (p_device, p_school, p_role);"
    " END $$;"
    "REVOKE ALL ON FUNCTION latedoor.add_device(text, text, text, text) FROM PUBLIC;"
    "REVOKE ALL ON FUNCTION latedoor.events_append_only() FROM PUBLIC;"
    "GRANT USAGE ON SCHEMA latedoor TO ld_device;"
    "GRANT SELECT ON latedoor.schema_version, latedoor.schools, latedoor.devices,"
    " latedoor.pupils, latedoor.cards, latedoor.versions TO ld_device;"
    "GRANT SELECT, INSERT ON latedoor.events TO ld_device;"
    SECURE("schools")
    SECURE("devices")
    SECURE("pupils")
    SECURE("cards")
    SECURE("versions")
    SECURE("events")
    "CREATE POLICY device_read ON latedoor.schools FOR SELECT TO ld_device"
    " USING (id = " MY_SCHOOL ");"
    "CREATE POLICY device_read ON latedoor.devices FOR SELECT TO ld_device"
    " USING (role_name = current_user);"
    DEVICE_READS_SCHOOL("pupils", "school_id")
    DEVICE_READS_SCHOOL("cards", "school_id")
    DEVICE_READS_SCHOOL("versions", "school_id")
    DEVICE_READS_SCHOOL("events", "school_id")
    "CREATE POLICY device_insert ON latedoor.events FOR INSERT TO ld_device"
    " WITH CHECK (device_id = " MY_DEVICE " AND school_id = " MY_SCHOOL ");",

    /* 2: the calendar and settings written at the centre */
    "CREATE TABLE latedoor.calendar_terms ("
    " school_id text NOT NULL REFERENCES latedoor.schools (id),"
    " ord integer NOT NULL,"
    " name text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 63),"
    " start_day date NOT NULL, end_day date NOT NULL,"
    " PRIMARY KEY (school_id, ord));"
    "CREATE TABLE latedoor.calendar_closed ("
    " school_id text NOT NULL REFERENCES latedoor.schools (id),"
    " day date NOT NULL,"
    " label text NOT NULL CHECK (octet_length(label) <= 64),"
    " PRIMARY KEY (school_id, day));"
    "CREATE TABLE latedoor.settings ("
    " school_id text NOT NULL REFERENCES latedoor.schools (id),"
    " key text NOT NULL CHECK (octet_length(key) BETWEEN 1 AND 64),"
    " value text NOT NULL CHECK (octet_length(value) <= 1024),"
    " PRIMARY KEY (school_id, key));"
    "GRANT SELECT ON latedoor.calendar_terms, latedoor.calendar_closed, latedoor.settings"
    " TO ld_device;"
    SECURE("calendar_terms")
    SECURE("calendar_closed")
    SECURE("settings")
    DEVICE_READS_SCHOOL("calendar_terms", "school_id")
    DEVICE_READS_SCHOOL("calendar_closed", "school_id")
    DEVICE_READS_SCHOOL("settings", "school_id"),

    /* 3: register marks imported from the school's MIS; the office's only, no device reads
     * them */
    "CREATE TABLE latedoor.mis_marks ("
    " school_id text NOT NULL REFERENCES latedoor.schools (id),"
    " upn text NOT NULL CHECK (octet_length(upn) = 13),"
    " day date NOT NULL,"
    " session smallint NOT NULL CHECK (session IN (0, 1)),"
    " code text NOT NULL CHECK (octet_length(code) BETWEEN 1 AND 2),"
    " minutes integer NOT NULL CHECK (minutes BETWEEN -1 AND 1440),"
    " PRIMARY KEY (school_id, upn, day, session));"
    SECURE("mis_marks"),

    /* 4 (branch truth-core, issue 11): the pupils' admission and leaving
     * dates */
    "ALTER TABLE latedoor.pupils ADD COLUMN admitted date, ADD COLUMN leaving date;",

    /* 5 (branch office-app): the office application's records (users, sessions, call logs,
     * letters) and its append-only audit log; no device reads or writes them */
    "CREATE TABLE latedoor.office_records ("
    " kind smallint NOT NULL CHECK (kind BETWEEN 1 AND 4),"
    " key text NOT NULL CHECK (octet_length(key) BETWEEN 1 AND 128),"
    " school_id text NOT NULL CHECK (octet_length(school_id) <= 32),"
    " value text NOT NULL CHECK (octet_length(value) <= 2048),"
    " updated_ms bigint NOT NULL CHECK (updated_ms >= 0),"
    " PRIMARY KEY (kind, key));"
    "CREATE INDEX office_records_school ON latedoor.office_records (kind, school_id, key);"
    "CREATE TABLE latedoor.office_audit ("
    " seq bigserial PRIMARY KEY,"
    " at_ms bigint NOT NULL,"
    " school_id text NOT NULL CHECK (octet_length(school_id) <= 32),"
    " who text NOT NULL CHECK (octet_length(who) BETWEEN 1 AND 64),"
    " what text NOT NULL CHECK (octet_length(what) BETWEEN 1 AND 400));"
    "CREATE INDEX office_audit_school ON latedoor.office_audit (school_id, seq);"
    "CREATE FUNCTION latedoor.office_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'latedoor office audit is append-only'; END $$;"
    "CREATE TRIGGER office_audit_append_only BEFORE UPDATE OR DELETE ON latedoor.office_audit"
    " FOR EACH ROW EXECUTE FUNCTION latedoor.office_audit_append_only();"
    "CREATE TRIGGER office_audit_no_truncate BEFORE TRUNCATE ON latedoor.office_audit"
    " FOR EACH STATEMENT EXECUTE FUNCTION latedoor.office_audit_append_only();"
    SECURE("office_records")
    SECURE("office_audit"),

    /* 6 (branch office-corrections): office records of kind 5, the last MIS export */
    ("ALTER TABLE latedoor.office_records DROP CONSTRAINT office_records_kind_check,"
     " ADD CONSTRAINT office_records_kind_check CHECK (kind BETWEEN 1 AND 5);"),
};
/* clang-format on */
