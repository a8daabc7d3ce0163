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

/* What every event row must be (versions 6 and 9's events_valid), up to its last kinds. */
#define EVENTS_VALID_FIELDS                                                                        \
    " school_id ~ '^[A-Za-z0-9._-]{1,32}$' AND device_id ~ '^[A-Za-z0-9._-]{1,32}$'"               \
    " AND at_ms BETWEEN 0 AND 253402300799999 AND mono_ms >= 0"                                    \
    " AND fixed_at_ms BETWEEN 0 AND 253402300799999"                                               \
    " AND (boot_id = '' OR boot_id ~ "                                                             \
    "'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')"                            \
    " AND (upn = '' OR upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$')"                                          \
    " AND (card = '' OR card ~ '^([0-9A-F]{2}){1,10}$')"                                           \
    " AND staff !~ '[\\x01-\\x1f\\x7f]' AND reason !~ '[\\x01-\\x1f\\x7f]'"                        \
    " AND ((ref_device = '' AND ref_seq = 0)"                                                      \
    "  OR (ref_device ~ '^[A-Za-z0-9._-]{1,32}$' AND ref_seq >= 1))"                               \
    " AND (kind = 7) = (fixed_at_ms > 0)"                                                          \
    " AND CASE kind"                                                                               \
    "  WHEN 1 THEN upn <> '' AND ref_device = ''"                                                  \
    "  WHEN 2 THEN upn <> '' WHEN 3 THEN upn <> ''"                                                \
    "  WHEN 4 THEN upn <> '' AND reason <> '' AND ref_device <> ''"                                \
    "  WHEN 5 THEN ref_device <> ''"                                                               \
    "  WHEN 6 THEN card <> '' AND upn = '' AND ref_device = ''"

/* (version 9) The device a role is, when it is not disabled: a disabled device's open session
 * (ended by set_device, but a moment may pass) reports nothing. */
#define MY_LIVE_DEVICE                                                                             \
    "(SELECT d.id FROM latedoor.devices d WHERE d.role_name = current_user AND NOT d.disabled)"

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

    /*
     * 6 (branch central-trust, issue 13): authority and validation in the
     * database, disabled devices, a push lock no device can sit on.
     *   - A device inserts only its own kiosk events: never as the office (source 5), and a
     *     reason, void or clock repair only of its own events (a return may follow another
     *     door's departure). Corrections of other devices' events come from the office, whose
     *     principal is the admin role (its own policy above).
     *   - Every new row is checked as latedoor's reader checks it (central_check.c): ids, UUIDs,
     *     boot ids, times, UPNs, cards, text without control characters, what each kind needs.
     *     NOT VALID: rows stored before stay (a bad one is skipped and named when read).
     *   - devices.disabled, with the role NOLOGIN (latedoor device disable).
     *   - push_lock: the school's push lock, taken through a function that ends a device session
     *     sitting on it (idle, or in a transaction over 2 s old) instead of waiting behind it.
     *     Session limits set with ALTER ROLE are only defaults a session may change, so they
     *     cannot be what protects the other kiosks. The admin becomes a member of each device
     *     role so that it may see and end the device's sessions.
     */
    "ALTER TABLE latedoor.devices ADD COLUMN disabled boolean NOT NULL DEFAULT false;"
    "ALTER TABLE latedoor.events ADD CONSTRAINT events_valid CHECK ("
    EVENTS_VALID_FIELDS
    "  WHEN 7 THEN ref_device <> '' ELSE false END) NOT VALID;"
    "DROP POLICY device_insert ON latedoor.events;"
    "CREATE POLICY device_insert ON latedoor.events FOR INSERT TO ld_device"
    " WITH CHECK (device_id = " MY_DEVICE " AND school_id = " MY_SCHOOL
    " AND source <> 5 AND (kind IN (1, 2, 3, 6) OR ref_device = device_id));"
    "CREATE OR REPLACE FUNCTION latedoor.add_device(p_school text, p_device text, p_role text,"
    " p_verifier text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN"
    " EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE ld_device CONNECTION LIMIT 8',"
    "  p_role, p_verifier);"
    " EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', p_role,"
    "  '10s');"
    " EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', p_role, '300s');"
    " EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', p_role, '15s');"
    " EXECUTE format('GRANT %I TO %I', p_role, current_user);"
    " INSERT INTO latedoor.devices (id, school_id, role_name)"
    "  VALUES (p_device, p_school, p_role);"
    " END $$;"
    "REVOKE ALL ON FUNCTION latedoor.add_device(text, text, text, text) FROM PUBLIC;"
    "DO $$ DECLARE r text; BEGIN"
    " FOR r IN SELECT d.role_name FROM latedoor.devices d JOIN pg_roles g ON g.rolname = d.role_name LOOP"
    "  EXECUTE format('GRANT %I TO %I', r, current_user);"
    "  EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', r, '15s');"
    "  EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', r, '10s');"
    " END LOOP; END $$;"
    /* The definer is the admin, a member of every device role: pg_stat_activity shows it their
     * sessions' state and pg_terminate_backend may end them. */
    "CREATE FUNCTION latedoor.push_lock(p_school text) RETURNS void LANGUAGE plpgsql"
    " SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    " DECLARE k1 integer := hashtext('latedoor.events'); k2 integer := hashtext(p_school);"
    "  waited integer := 0; h record;"
    " BEGIN"
    "  LOOP"
    "   IF pg_try_advisory_xact_lock(k1, k2) THEN RETURN; END IF;"
    "   IF waited >= 20 THEN"
    "    PERFORM pg_stat_clear_snapshot();"
    "    FOR h IN SELECT a.pid, a.usename, a.state FROM pg_locks l"
    "     JOIN pg_stat_activity a ON a.pid = l.pid"
    "     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2"
    "      AND l.classid = k1::oid AND l.objid = k2::oid AND l.pid <> pg_backend_pid()"
    "      AND pg_has_role(a.usesysid, 'ld_device', 'MEMBER')"
    "      AND (a.state IS DISTINCT FROM 'active' OR a.xact_start < clock_timestamp() - interval '2 s')"
    "    LOOP"
    "     RAISE WARNING 'latedoor: ending session % of % (%): it held school %''s push lock',"
    "      h.pid, h.usename, h.state, p_school;"
    "     PERFORM pg_terminate_backend(h.pid);"
    "    END LOOP;"
    "   END IF;"
    "   IF waited >= 400 THEN"
    "    RAISE EXCEPTION 'latedoor: the push lock of school % is held by another push', p_school"
    "     USING ERRCODE = 'lock_not_available';"
    "   END IF;"
    "   PERFORM pg_sleep(0.05); waited := waited + 1;"
    "  END LOOP;"
    " END $$;"
    /* latedoor device disable|enable|rotate: the role's login and password; its sessions end. */
    "CREATE FUNCTION latedoor.set_device(p_device text, p_disabled boolean, p_verifier text)"
    " RETURNS void LANGUAGE plpgsql AS $$ DECLARE r text; BEGIN"
    " UPDATE latedoor.devices SET disabled = p_disabled WHERE id = p_device"
    "  RETURNING role_name INTO r;"
    " IF r IS NULL THEN RAISE EXCEPTION 'no device %', p_device USING ERRCODE = 'no_data_found';"
    " END IF;"
    " EXECUTE format('ALTER ROLE %I ' || CASE WHEN p_disabled THEN 'NOLOGIN' ELSE 'LOGIN' END, r);"
    " IF p_verifier IS NOT NULL THEN"
    "  EXECUTE format('ALTER ROLE %I PASSWORD %L', r, p_verifier); END IF;"
    " IF p_disabled OR p_verifier IS NOT NULL THEN"
    "  PERFORM pg_terminate_backend(a.pid) FROM pg_stat_activity a WHERE a.usename = r; END IF;"
    " END $$;"
    "REVOKE ALL ON FUNCTION latedoor.set_device(text, boolean, text) FROM PUBLIC;"
    "REVOKE ALL ON FUNCTION latedoor.push_lock(text) FROM PUBLIC;"
    "GRANT EXECUTE ON FUNCTION latedoor.push_lock(text) TO ld_device;",

    /* 7 (branch office-corrections): office records of kind 5, the last MIS export */
    ("ALTER TABLE latedoor.office_records DROP CONSTRAINT office_records_kind_check,"
     " ADD CONSTRAINT office_records_kind_check CHECK (kind BETWEEN 1 AND 5);"),

    /*
     * 8 (branch central-sum, issue 12): every event's checksum (central__event_sum, BLAKE2b).
     * PostgreSQL cannot compute BLAKE2b: the client library fills the rows stored before
     * (pg_fill_sums, central_pg.c, in the same transaction) and computes or checks the sum of
     * every row it sends. No CHECK here: one could test only the form, not that the sum is the
     * row's; every reader checks that, and a row with none is skipped and named.
     */
    "ALTER TABLE latedoor.events ADD COLUMN sum text NOT NULL DEFAULT '';",

    /*
     * 9 (branch office-devices, issues 14 and 15).
     *   - Event kind 8, a wrong staff PIN at a kiosk: no pupil, card or reference. The kind's
     *     CHECK, events_valid (NOT VALID again: only new rows) and the device insert policy
     *     (it refers to nothing, like an arrival) take it.
     *   - device_status: each device's last report of its health, one row per device. A device
     *     role reads, inserts and updates its own row only, never while disabled, and only with
     *     its own school; received_ms is the server's clock, set by a trigger whatever the
     *     device sends. No DELETE for devices.
     */
    "ALTER TABLE latedoor.events DROP CONSTRAINT events_kind_check,"
    " ADD CONSTRAINT events_kind_check CHECK (kind BETWEEN 1 AND 8);"
    "ALTER TABLE latedoor.events DROP CONSTRAINT events_valid,"
    " ADD CONSTRAINT events_valid CHECK ("
    EVENTS_VALID_FIELDS
    "  WHEN 7 THEN ref_device <> ''"
    "  WHEN 8 THEN upn = '' AND card = '' AND ref_device = '' ELSE false END) NOT VALID;"
    "DROP POLICY device_insert ON latedoor.events;"
    "CREATE POLICY device_insert ON latedoor.events FOR INSERT TO ld_device"
    " WITH CHECK (device_id = " MY_DEVICE " AND school_id = " MY_SCHOOL
    " AND source <> 5 AND (kind IN (1, 2, 3, 6, 8) OR ref_device = device_id));"
    "CREATE TABLE latedoor.device_status ("
    " device_id text PRIMARY KEY REFERENCES latedoor.devices (id),"
    " school_id text NOT NULL REFERENCES latedoor.schools (id),"
    " device_ms bigint NOT NULL CHECK (device_ms BETWEEN 0 AND 253402300799999),"
    " received_ms bigint NOT NULL CHECK (received_ms >= 0),"
    " pending bigint NOT NULL CHECK (pending >= 0),"
    " oldest_pending_ms bigint NOT NULL"
    "  CHECK (oldest_pending_ms BETWEEN 0 AND 253402300799999),"
    " last_sync_ms bigint NOT NULL CHECK (last_sync_ms BETWEEN 0 AND 253402300799999),"
    " last_error text NOT NULL"
    "  CHECK (octet_length(last_error) <= 255 AND last_error !~ '[\\x01-\\x1f\\x7f]'),"
    " last_error_ms bigint NOT NULL CHECK (last_error_ms BETWEEN 0 AND 253402300799999),"
    " clock_state smallint NOT NULL CHECK (clock_state BETWEEN 0 AND 3),"
    " reader text NOT NULL"
    "  CHECK (octet_length(reader) BETWEEN 1 AND 120 AND reader !~ '[\\x01-\\x1f\\x7f]'),"
    " reader_ms bigint NOT NULL CHECK (reader_ms BETWEEN 0 AND 253402300799999),"
    " version text NOT NULL CHECK (version ~ '^[A-Za-z0-9._+~-]{1,32}$'));"
    "CREATE FUNCTION latedoor.device_status_received() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN NEW.received_ms := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;"
    " RETURN NEW; END $$;"
    "REVOKE ALL ON FUNCTION latedoor.device_status_received() FROM PUBLIC;"
    "CREATE TRIGGER device_status_received BEFORE INSERT OR UPDATE ON latedoor.device_status"
    " FOR EACH ROW EXECUTE FUNCTION latedoor.device_status_received();"
    "GRANT SELECT, INSERT, UPDATE ON latedoor.device_status TO ld_device;"
    SECURE("device_status")
    "CREATE POLICY device_read ON latedoor.device_status FOR SELECT TO ld_device"
    " USING (device_id = " MY_LIVE_DEVICE ");"
    "CREATE POLICY device_insert ON latedoor.device_status FOR INSERT TO ld_device"
    " WITH CHECK (device_id = " MY_LIVE_DEVICE " AND school_id = " MY_SCHOOL ");"
    "CREATE POLICY device_update ON latedoor.device_status FOR UPDATE TO ld_device"
    " USING (device_id = " MY_LIVE_DEVICE ")"
    " WITH CHECK (device_id = " MY_LIVE_DEVICE " AND school_id = " MY_SCHOOL ");",
};
/* clang-format on */
