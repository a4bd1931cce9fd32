//! A connection in → connection pragmas set and the ledger schema migrated to the newest version
//! (numbered migrations tracked in `PRAGMA user_version`, each applied in its own transaction).

use super::error::{SqlContext as _, SqlError};
use anyhow::{Result, bail};
use rusqlite::{Connection, TransactionBehavior};
use std::time::Duration;

/// How long a statement waits for another connection's lock (an `export` reading while an
/// `ingest` commits) before failing with SQLITE_BUSY.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// `PRAGMA application_id`, so a regintake ledger can be told from any other SQLite file
/// ("RgIn" in ASCII).
pub const APPLICATION_ID: i32 = 0x5267_496e;

/// Refuses a file that is not a regintake ledger (another program's SQLite database), so
/// that nothing in it is changed: a ledger has our application_id, or is new (no schema
/// version and no tables yet).
pub fn check_identity(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)
        .sql_context("cannot set busy_timeout")?;
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .sql_context("cannot read the file as an SQLite database")?;
    if application_id == APPLICATION_ID {
        return Ok(());
    }
    if application_id != 0 {
        bail!("it is an SQLite database of another program, not a regintake ledger");
    }
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .sql_context("cannot read the schema version")?;
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |row| row.get(0),
        )
        .sql_context("cannot list the tables")?;
    if version != 0 || tables != 0 {
        bail!("it is an SQLite database with other tables, not a regintake ledger");
    }
    Ok(())
}

/// Sets the per-connection pragmas every ledger connection needs.
pub fn configure(conn: &Connection) -> Result<()> {
    // WAL lets `export` read while a run appends; the mode is stored in the file.
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .sql_context("cannot set journal_mode=WAL")?;
    if !mode.eq_ignore_ascii_case("wal") {
        bail!("the ledger cannot use WAL journaling (SQLite kept journal_mode={mode})");
    }
    // FULL: a commit is on disk before `append` returns, so IMAP may then move the message.
    conn.pragma_update(None, "synchronous", "FULL")
        .sql_context("cannot set synchronous=FULL")?;
    conn.pragma_update(None, "foreign_keys", true)
        .sql_context("cannot enable foreign_keys")?;
    Ok(())
}

/// How many of `quick_check`'s findings are read (it stops at 100 by itself).
const QUICK_CHECK_ROWS: usize = 100;

/// What `PRAGMA quick_check` found wrong with a ledger file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// SQLite's first finding (or the error that stopped the check).
    pub first: String,
    /// Findings in all (at most `QUICK_CHECK_ROWS`).
    pub count: usize,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SQLite's quick_check: {}", self.first)?;
        match self.count {
            0 | 1 => Ok(()),
            n if n >= QUICK_CHECK_ROWS => write!(f, ", and {} more problems or more", n - 1),
            n => write!(f, ", and {} more problems", n - 1),
        }
    }
}

/// Checks every page of the file (b-tree structure, page links, free list, UNIQUE and NOT NULL)
/// without the slower index-against-table comparison of `integrity_check`. Reads the whole
/// file: about 0.8 s for a 190 MB ledger of 100,000 records with the file in the page cache.
pub fn quick_check(conn: &Connection) -> Result<(), Damage> {
    let read = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare("PRAGMA quick_check")?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        rows.take(QUICK_CHECK_ROWS).collect()
    };
    match read() {
        Ok(findings) if findings.len() == 1 && findings[0] == "ok" => Ok(()),
        Ok(findings) => Err(Damage {
            first: findings
                .first()
                .map(|f| f.replace(['\n', '\r'], " "))
                .unwrap_or_else(|| "no answer".to_string()),
            count: findings.len(),
        }),
        Err(e) => Err(Damage {
            first: SqlError::from(e).to_string(),
            count: 1,
        }),
    }
}

/// Append-only is enforced by the database itself: for each table, triggers refuse UPDATE and
/// DELETE, and a BEFORE INSERT trigger refuses a row that would collide with an existing one
/// (which `INSERT OR REPLACE` would otherwise silently delete, since REPLACE does not fire
/// DELETE triggers unless recursive_triggers is on).
fn append_only_triggers(table: &str, collision: &str) -> String {
    format!(
        "CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
           BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;
         CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
           BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END;
         CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
           WHEN EXISTS (SELECT 1 FROM {table} WHERE {collision})
           BEGIN SELECT RAISE(ABORT, '{table} is append-only: row exists'); END;"
    )
}

/// Migration 1: the first schema.
///
/// - `message_keys`: one row per idempotency key (the UNIQUE key makes a duplicate impossible).
/// - `messages`: one row per reading of a message (revision 1, 2, … per key); the header
///   values as read that time. `received_epoch` (UTC seconds) orders messages as instants;
///   `received_day` (days from CE of the date in the message's own offset) serves `--since`.
/// - `records`: one row per form (or per message without a form), pointing at its reading.
///   `contact_email_key` / `organisation_key` are the normalised match keys for `supersedes`;
///   `key_id` and `received_epoch` repeat the message's, so that one index serves the
///   `supersedes` lookup in order (newest first) however many records a contact has.
/// - `mailbox_state`, `failures`: append-only logs; the newest row wins / rows are counted.
fn migration_1() -> String {
    let mut sql = String::from(
        "CREATE TABLE message_keys (
            key_id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE CHECK (key <> ''),
            first_recorded_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE messages (
            message_ref INTEGER PRIMARY KEY,
            key_id INTEGER NOT NULL REFERENCES message_keys (key_id),
            revision INTEGER NOT NULL CHECK (revision >= 1),
            message_id TEXT NOT NULL,
            sender TEXT NOT NULL,
            subject TEXT NOT NULL,
            received_at TEXT NOT NULL,
            received_epoch INTEGER NOT NULL,
            received_day INTEGER NOT NULL,
            raw_sha256 TEXT NOT NULL,
            raw_size INTEGER NOT NULL CHECK (raw_size >= 0),
            origin TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            UNIQUE (key_id, revision)
        ) STRICT;

        CREATE TABLE records (
            record_id INTEGER PRIMARY KEY,
            message_ref INTEGER NOT NULL REFERENCES messages (message_ref),
            position INTEGER NOT NULL CHECK (position >= 0),
            attachment TEXT NOT NULL,
            source TEXT NOT NULL
                CHECK (source IN ('pdf-form', 'pdf-text', 'docx', 'body', 'none')),
            full_name TEXT NOT NULL,
            organisation TEXT NOT NULL,
            contact_email TEXT NOT NULL,
            terms_accepted TEXT NOT NULL CHECK (terms_accepted IN ('yes', 'no')),
            service TEXT NOT NULL CHECK (service IN ('', 'public', 'partner')),
            ip_allowlist TEXT NOT NULL,
            expected_records_per_day INTEGER CHECK (expected_records_per_day >= 0),
            expected_api_calls_per_day INTEGER CHECK (expected_api_calls_per_day >= 0),
            user_guide_agreed TEXT NOT NULL CHECK (user_guide_agreed IN ('yes', 'no')),
            flags TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status = CASE WHEN flags = '' THEN 'ok' ELSE 'needs_review' END),
            supersedes INTEGER REFERENCES records (record_id),
            due_by TEXT NOT NULL,
            detail TEXT NOT NULL CHECK (json_valid(detail)),
            recorded_at TEXT NOT NULL,
            contact_email_key TEXT NOT NULL,
            organisation_key TEXT NOT NULL,
            key_id INTEGER NOT NULL REFERENCES message_keys (key_id),
            received_epoch INTEGER NOT NULL,
            UNIQUE (message_ref, position)
        ) STRICT;

        CREATE TABLE mailbox_state (
            state_id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            mailbox TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL CHECK (uidvalidity BETWEEN 0 AND 4294967295),
            last_uid INTEGER NOT NULL CHECK (last_uid BETWEEN 0 AND 4294967295),
            saved_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE failures (
            failure_id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            origin TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        ) STRICT;

        CREATE INDEX records_by_message ON records (message_ref);
        CREATE INDEX records_by_contact
            ON records (contact_email_key, organisation_key, received_epoch, key_id);
        CREATE INDEX records_by_status ON records (status);
        CREATE INDEX messages_by_day ON messages (received_day);
        CREATE INDEX mailbox_state_by_mailbox ON mailbox_state (account, mailbox, state_id);
        CREATE INDEX failures_by_key ON failures (key);
        ",
    );
    for (table, collision) in [
        ("message_keys", "key_id = NEW.key_id OR key = NEW.key"),
        (
            "messages",
            "message_ref = NEW.message_ref OR (key_id = NEW.key_id AND revision = NEW.revision)",
        ),
        (
            "records",
            "record_id = NEW.record_id OR (message_ref = NEW.message_ref AND position = NEW.position)",
        ),
        ("mailbox_state", "state_id = NEW.state_id"),
        ("failures", "failure_id = NEW.failure_id"),
    ] {
        sql.push_str(&append_only_triggers(table, collision));
    }
    sql.push_str(&format!("PRAGMA application_id = {APPLICATION_ID};"));
    sql
}

/// Migration 2: `imap_moves`, the log of moving committed messages out of an IMAP mailbox.
///
/// One row per step, never changed: `pending` (committed; to be moved to `destination`), then
/// `copied` (a copy is in `destination`: COPY answered OK, or the copy was found there), then
/// `gone` (it left the mailbox: MOVE or UID EXPUNGE answered OK, or it was no longer there). A
/// message with `pending` and no later `gone` is an open move, which the next pass finishes.
/// `key` (the ledger's message key) and `size` (RFC822.SIZE) find an earlier copy in
/// `destination` when it is not known whether COPY ran.
fn migration_2() -> String {
    let mut sql = String::from(
        "CREATE TABLE imap_moves (
            event_id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            mailbox TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL CHECK (uidvalidity BETWEEN 0 AND 4294967295),
            uid INTEGER NOT NULL CHECK (uid BETWEEN 1 AND 4294967295),
            key TEXT NOT NULL CHECK (key <> ''),
            destination TEXT NOT NULL CHECK (destination <> ''),
            size INTEGER NOT NULL CHECK (size >= 0),
            step TEXT NOT NULL CHECK (step IN ('pending', 'copied', 'gone')),
            detail TEXT NOT NULL,
            at TEXT NOT NULL
        ) STRICT;

        CREATE INDEX imap_moves_by_uid ON imap_moves (account, mailbox, uidvalidity, uid, event_id);
        CREATE INDEX imap_moves_by_key ON imap_moves (key);
        ",
    );
    sql.push_str(&append_only_triggers(
        "imap_moves",
        "event_id = NEW.event_id",
    ));
    sql
}

/// Migration 3: `reply_drafts`, the log of drafting each record's reply to the applicant.
///
/// One row per step, never changed: `pending` (appended in the transaction that commits the
/// record), then one finishing step: `appended` (APPEND of the draft answered OK), `found` (a
/// draft with the draft's Message-ID was already in the drafts mailbox) or `skipped` (no reply:
/// `note` says why). Partial unique indexes allow one `pending` and one finishing step a record.
fn migration_3() -> String {
    let mut sql = String::from(
        "CREATE TABLE reply_drafts (
            event_id INTEGER PRIMARY KEY,
            record_id INTEGER NOT NULL REFERENCES records (record_id),
            step TEXT NOT NULL CHECK (step IN ('pending', 'appended', 'found', 'skipped')),
            account TEXT NOT NULL,
            mailbox TEXT NOT NULL,
            draft_message_id TEXT NOT NULL,
            note TEXT NOT NULL,
            at TEXT NOT NULL
        ) STRICT;

        CREATE UNIQUE INDEX reply_drafts_pending ON reply_drafts (record_id)
            WHERE step = 'pending';
        CREATE UNIQUE INDEX reply_drafts_done ON reply_drafts (record_id)
            WHERE step <> 'pending';
        ",
    );
    sql.push_str(&append_only_triggers(
        "reply_drafts",
        "event_id = NEW.event_id OR (record_id = NEW.record_id \
         AND (step = 'pending') = (NEW.step = 'pending'))",
    ));
    sql
}

/// Migration 4: record sources `doc` (Word 97–2003), `rtf` and `ocr` (SPEC v2). SQLite cannot
/// alter a CHECK constraint, and rebuilding `records` would delete rows the append-only
/// triggers guard; a widened CHECK admits every row the old one did, so the table's stored
/// definition is rewritten in place, the procedure SQLite documents for changing constraints
/// (`writable_schema`, then a new `schema_version`, in the migration's transaction).
fn migration_4() -> String {
    "UPDATE sqlite_schema SET sql = replace(sql, \
        'CHECK (source IN (''pdf-form'', ''pdf-text'', ''docx'', ''body'', ''none''))', \
        'CHECK (source IN (''pdf-form'', ''pdf-text'', ''docx'', ''doc'', ''rtf'', ''ocr'', ''body'', ''none''))') \
     WHERE type = 'table' AND name = 'records';"
        .to_string()
}

/// Migration 5 (SPEC v2): `records` gains `notes` (one sentence per flag, empty for an `ok`
/// record: rows written before notes existed have none, and the report says so); the yes/no
/// fields may be empty (a form that could not be read). Also an index on
/// `messages.received_epoch`, for `--since` and `--until` as Canberra days (instants).
///
/// The table is not rebuilt: dropping `records` would meet `reply_drafts`' references to it and
/// the append-only triggers. `notes` is added by ALTER TABLE (SQLite checks the new column's
/// CHECK against every row), and the two yes/no CHECKs are widened by rewriting the stored
/// definition in place, as migration 4 does: a wider CHECK admits every row the old one did.
/// The ALTER comes first, while the stored text is still the one SQLite parsed.
fn migration_5() -> String {
    "ALTER TABLE records ADD COLUMN notes TEXT NOT NULL DEFAULT '' \
        CHECK (flags <> '' OR notes = '');
     CREATE INDEX messages_by_epoch ON messages (received_epoch);
     UPDATE sqlite_schema SET sql = replace(replace(sql, \
        'CHECK (terms_accepted IN (''yes'', ''no''))', \
        'CHECK (terms_accepted IN (''yes'', ''no'', ''''))'), \
        'CHECK (user_guide_agreed IN (''yes'', ''no''))', \
        'CHECK (user_guide_agreed IN (''yes'', ''no'', ''''))') \
     WHERE type = 'table' AND name = 'records';"
        .to_string()
}

/// Migration 6: `decisions`, staff decisions on records, appended and never changed (the
/// latest wins).
///
/// A decision is recorded against a record_id and is about the registration: `key_id` and
/// `attachment` repeat the record's (a trigger refuses a row where they do not), so one index
/// finds the latest decision on any revision of a message's form.
fn migration_6() -> String {
    let mut sql = String::from(
        "CREATE TABLE decisions (
            decision_id INTEGER PRIMARY KEY,
            record_id INTEGER NOT NULL REFERENCES records (record_id),
            key_id INTEGER NOT NULL REFERENCES message_keys (key_id),
            attachment TEXT NOT NULL,
            outcome TEXT NOT NULL
                CHECK (outcome IN ('granted', 'declined', 'info_requested', 'withdrawn')),
            note TEXT NOT NULL,
            decided_by TEXT NOT NULL CHECK (decided_by <> ''),
            decided_at TEXT NOT NULL
        ) STRICT;

        CREATE INDEX decisions_by_registration ON decisions (key_id, attachment, decision_id);
        CREATE INDEX decisions_by_record ON decisions (record_id);

        CREATE TRIGGER decisions_match_their_record BEFORE INSERT ON decisions
           WHEN NOT EXISTS (SELECT 1 FROM records r WHERE r.record_id = NEW.record_id
                            AND r.key_id = NEW.key_id AND r.attachment = NEW.attachment)
           BEGIN SELECT RAISE(ABORT, 'decisions: key_id and attachment are not the record''s'); END;
        ",
    );
    sql.push_str(&append_only_triggers(
        "decisions",
        "decision_id = NEW.decision_id",
    ));
    sql
}

/// The schema version this regintake writes and reads.
pub fn latest_version() -> i64 {
    migrations().len() as i64
}

/// The schema version of the ledger on `conn`.
pub fn version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .sql_context("cannot read the schema version")
}

/// One schema migration: SQL, and whether it rewrites stored table definitions (then it runs
/// with `writable_schema` on and the schema version is raised, so every connection reloads).
struct Migration {
    sql: String,
    rewrites_schema: bool,
}

/// The migrations in order: migration `n` (1-based) moves the schema from `n - 1` to `n`.
/// Never edit a released migration; add a new one.
fn migrations() -> Vec<Migration> {
    let plain = |sql| Migration {
        sql,
        rewrites_schema: false,
    };
    vec![
        plain(migration_1()),
        plain(migration_2()),
        plain(migration_3()),
        Migration {
            sql: migration_4(),
            rewrites_schema: true,
        },
        Migration {
            sql: migration_5(),
            rewrites_schema: true,
        },
        plain(migration_6()),
    ]
}

/// Applies every migration the file lacks, each in an IMMEDIATE transaction that re-reads the
/// version first (two processes opening a new ledger at once cannot both apply one).
pub fn migrate(conn: &mut Connection) -> Result<()> {
    apply(conn, &migrations())
}

/// Applies `migrations` (the first of them, in tests) up to the last one given.
fn apply(conn: &mut Connection, migrations: &[Migration]) -> Result<()> {
    let latest = migrations.len() as i64;
    // Fast path without a write lock, so `export` can open the ledger while a run is
    // appending (an IMMEDIATE transaction would wait for that run's batch).
    let current: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .sql_context("cannot read the schema version")?;
    if current == latest {
        return Ok(());
    }
    for (index, migration) in migrations.iter().enumerate() {
        let target = index as i64 + 1;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .sql_context("cannot start a migration transaction")?;
        let version: i64 = tx
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .sql_context("cannot read the schema version")?;
        if version > latest {
            bail!(
                "the ledger has schema version {version}, newer than this regintake knows \
                 ({latest}); use a newer regintake"
            );
        }
        if version >= target {
            continue;
        }
        if migration.rewrites_schema {
            tx.pragma_update(None, "writable_schema", true)
                .sql_context("cannot rewrite the schema")?;
            tx.execute_batch(&migration.sql)
                .with_sql_context(|| format!("schema migration {target} failed"))?;
            // Read after the batch: an ALTER TABLE in it has raised the cookie already.
            let schema_version: i64 = tx
                .pragma_query_value(None, "schema_version", |row| row.get(0))
                .sql_context("cannot read the schema cookie")?;
            tx.pragma_update(None, "schema_version", schema_version + 1)
                .sql_context("cannot raise the schema cookie")?;
            tx.pragma_update(None, "writable_schema", false)
                .sql_context("cannot rewrite the schema")?;
        } else {
            tx.execute_batch(&migration.sql)
                .with_sql_context(|| format!("schema migration {target} failed"))?;
        }
        // Every reference must still hold (a rewritten definition must not break one).
        let broken: i64 = tx
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |row| {
                row.get(0)
            })
            .sql_context("cannot check the references after a migration")?;
        if broken > 0 {
            bail!("schema migration {target} would leave {broken} broken references");
        }
        tx.pragma_update(None, "user_version", target)
            .sql_context("cannot record the schema version")?;
        tx.commit()
            .with_sql_context(|| format!("cannot commit schema migration {target}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records_sql(conn: &Connection) -> String {
        conn.query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'records'",
            [],
            |row| row.get(0),
        )
        .expect("records table")
    }

    #[test]
    fn a_version_1_ledger_learns_the_new_sources() {
        let mut conn = Connection::open_in_memory().expect("db");
        conn.execute_batch(&migration_1()).expect("migration 1");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        assert!(!records_sql(&conn).contains("'rtf'"));
        migrate(&mut conn).expect("migrate");
        let sql = records_sql(&conn);
        assert!(sql.contains("'doc', 'rtf', 'ocr'"), "{sql}");
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .expect("integrity_check");
        assert_eq!(ok, "ok");
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .expect("version");
        assert_eq!(version, migrations().len() as i64);
        // The rewritten CHECK is in force on this very connection.
        let check = |source: &str| {
            conn.execute(
                "INSERT INTO records (message_ref, position, attachment, source, full_name, \
                 organisation, contact_email, terms_accepted, service, ip_allowlist, \
                 user_guide_agreed, flags, status, due_by, detail, recorded_at, \
                 contact_email_key, organisation_key, key_id, received_epoch) VALUES \
                 (1, 0, '', ?1, '', '', '', 'no', '', '', 'no', '', 'ok', '', '{}', '', '', '', 1, 0)",
                [source],
            )
        };
        let err = check("bogus")
            .expect_err("bogus source refused")
            .to_string();
        assert!(err.contains("CHECK"), "{err}");
        for source in ["doc", "rtf", "ocr"] {
            if let Err(e) = check(source) {
                assert!(!e.to_string().contains("CHECK"), "{source}: {e}");
            }
        }
    }

    /// A ledger file opened as `Ledger::open` does, at `version` (migrations 1 to `version`).
    fn ledger_file(name: &str, version: usize) -> (std::path::PathBuf, Connection) {
        let path = std::env::temp_dir().join(format!(
            "regintake-schema-{}-{name}.sqlite",
            std::process::id()
        ));
        remove_ledger(&path);
        let mut conn = Connection::open(&path).expect("open");
        check_identity(&conn).expect("identity");
        configure(&conn).expect("configure");
        apply(&mut conn, &migrations()[..version]).expect("migrations");
        (path, conn)
    }

    fn remove_ledger(path: &std::path::Path) {
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            let _ = std::fs::remove_file(file);
        }
    }

    /// Every row of `table` in rowid order, `columns` of it.
    fn rows(conn: &Connection, table: &str, columns: &str) -> Vec<Vec<rusqlite::types::Value>> {
        let mut stmt = conn
            .prepare(&format!("SELECT {columns} FROM {table} ORDER BY rowid"))
            .expect("select");
        let width = stmt.column_count();
        stmt.query_map([], |row| {
            (0..width)
                .map(|i| row.get(i))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
    }

    /// The `records` columns every version has (before `notes`).
    const RECORDS_4_COLUMNS: &str = "record_id, message_ref, position, attachment, source, \
         full_name, organisation, contact_email, terms_accepted, service, ip_allowlist, \
         expected_records_per_day, expected_api_calls_per_day, user_guide_agreed, flags, status, \
         supersedes, due_by, detail, recorded_at, contact_email_key, organisation_key, key_id, \
         received_epoch";

    /// Two messages; three records (a flagged one, an `ok` one superseding it, a `doc` one);
    /// a reply drafted and one pending; a message moved and one copied.
    const VERSION_4_ROWS: &str = "
        INSERT INTO message_keys (key, first_recorded_at) VALUES ('mid:a', 't'), ('mid:b', 't');
        INSERT INTO messages (key_id, revision, message_id, sender, subject, received_at,
            received_epoch, received_day, raw_sha256, raw_size, origin, recorded_at)
        VALUES (1, 1, '<a>', 's', 'x', '2026-03-02T09:00:00+11:00', 1772402400, 739677, '00', 1,
                'o', 't'),
               (2, 1, '<b>', 's', 'y', '2026-03-03T09:00:00+11:00', 1772488800, 739678, '00', 1,
                'o', 't');
        INSERT INTO records (message_ref, position, attachment, source, full_name, organisation,
            contact_email, terms_accepted, service, ip_allowlist, expected_records_per_day,
            expected_api_calls_per_day, user_guide_agreed, flags, status, supersedes, due_by,
            detail, recorded_at, contact_email_key, organisation_key, key_id, received_epoch)
        VALUES (1, 0, 'a.pdf', 'pdf-form', 'Jane', 'ABS', 'j@x.au', 'yes', 'partner',
                '150.203.0.0/24', 10, 5, 'no', 'user_guide_not_agreed', 'needs_review', NULL,
                '2026-03-09', '{}', 't', 'j@x.au', 'abs', 1, 1772402400),
               (2, 0, '', 'body', 'Jane', 'ABS', 'j@x.au', 'yes', 'public', '', NULL, NULL,
                'yes', '', 'ok', 1, '2026-03-10', '{}', 't', 'j@x.au', 'abs', 2, 1772488800),
               (2, 1, 'b.doc', 'doc', '', '', '', 'no', '', '', NULL, NULL, 'no',
                'unreadable_attachment', 'needs_review', NULL, '2026-03-10',
                '{\"unreadable\": \"encrypted\"}', 't', '', '', 2, 1772488800);
        INSERT INTO reply_drafts (record_id, step, account, mailbox, draft_message_id, note, at)
        VALUES (1, 'pending', 'acct', 'Drafts', '<r1@x>', '', 't'),
               (1, 'appended', 'acct', 'Drafts', '<r1@x>', '', 't'),
               (3, 'pending', 'acct', 'Drafts', '<r3@x>', '', 't');
        INSERT INTO imap_moves (account, mailbox, uidvalidity, uid, key, destination, size, step,
            detail, at)
        VALUES ('acct', 'INBOX', 7, 1, 'mid:a', 'Done', 10, 'pending', '', 't'),
               ('acct', 'INBOX', 7, 1, 'mid:a', 'Done', 10, 'copied', '', 't'),
               ('acct', 'INBOX', 7, 1, 'mid:a', 'Done', 10, 'gone', '', 't'),
               ('acct', 'INBOX', 7, 2, 'mid:b', 'Done', 11, 'pending', '', 't');
    ";

    /// A record for message 2 at `position`, as the newest schema takes it.
    fn insert_record(
        conn: &Connection,
        position: i64,
        yes_no: &str,
        flags: &str,
        notes: &str,
    ) -> rusqlite::Result<usize> {
        conn.execute(
            "INSERT INTO records (message_ref, position, attachment, source, full_name,
                organisation, contact_email, terms_accepted, service, ip_allowlist,
                user_guide_agreed, flags, status, notes, due_by, detail, recorded_at,
                contact_email_key, organisation_key, key_id, received_epoch)
             VALUES (2, ?1, 'f', 'rtf', '', '', '', ?2, '', '', ?2, ?3,
                CASE WHEN ?3 = '' THEN 'ok' ELSE 'needs_review' END, ?4, '2026-03-10', '{}',
                't', '', '', 2, 0)",
            rusqlite::params![position, yes_no, flags, notes],
        )
    }

    /// What the newest schema promises, on any connection to a migrated or fresh ledger.
    fn assert_newest_schema(conn: &Connection) {
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .expect("version");
        assert_eq!(version, migrations().len() as i64);
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .expect("integrity_check");
        assert_eq!(ok, "ok");
        let broken: i64 = conn
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |row| {
                row.get(0)
            })
            .expect("foreign_key_check");
        assert_eq!(broken, 0);
        let tables: Vec<Vec<rusqlite::types::Value>> =
            rows(conn, "sqlite_schema WHERE type = 'table'", "sql");
        for table in &tables {
            let rusqlite::types::Value::Text(sql) = &table[0] else {
                panic!("{table:?}");
            };
            assert!(sql.trim_end().ends_with("STRICT"), "{sql}");
        }
        for name in [
            "records_by_message",
            "records_by_contact",
            "records_by_status",
            "messages_by_epoch",
            "records_no_update",
            "records_no_delete",
            "records_no_replace",
            "reply_drafts_no_delete",
            "imap_moves_no_delete",
        ] {
            let found: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM sqlite_schema WHERE name = ?1",
                    [name],
                    |row| row.get(0),
                )
                .expect("schema");
            assert_eq!(found, 1, "{name}");
        }
        for refused in [
            "UPDATE records SET notes = 'x'",
            "UPDATE records SET terms_accepted = ''",
            "DELETE FROM records",
            "DELETE FROM records WHERE record_id NOT IN (SELECT record_id FROM reply_drafts)",
            "INSERT OR REPLACE INTO records SELECT * FROM records WHERE record_id = 1",
            "DELETE FROM reply_drafts",
            "DELETE FROM imap_moves",
        ] {
            let err = conn.execute(refused, []).expect_err(refused).to_string();
            assert!(err.contains("append-only"), "{refused}: {err}");
        }
        // Empty yes/no and notes on a flagged record are admitted; notes on an `ok` record,
        // another yes/no word and a source outside the list are not.
        let next: i64 = conn
            .query_row(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM records WHERE message_ref = 2",
                [],
                |row| row.get(0),
            )
            .expect("position");
        insert_record(conn, next, "", "no_form_found", "No form was found.").expect("empty");
        insert_record(conn, next + 1, "yes", "", "").expect("ok record");
        for (yes_no, flags, notes) in [
            ("", "", "A note on an ok record."),
            ("maybe", "no_form_found", "x"),
        ] {
            let err = insert_record(conn, next + 2, yes_no, flags, notes)
                .expect_err(yes_no)
                .to_string();
            assert!(err.contains("CHECK"), "{err}");
        }
        // A draft's reference to a record is still enforced.
        let err = conn
            .execute(
                "INSERT INTO reply_drafts (record_id, step, account, mailbox, draft_message_id,
                    note, at) VALUES (9999, 'pending', 'a', 'Drafts', '<x>', '', 't')",
                [],
            )
            .expect_err("dangling draft")
            .to_string();
        assert!(err.contains("FOREIGN KEY"), "{err}");
    }

    #[test]
    fn a_version_4_ledger_with_drafts_and_moves_keeps_every_row() {
        let (path, mut conn) = ledger_file("v4", 4);
        conn.execute_batch(VERSION_4_ROWS)
            .expect("rows at version 4");
        let before = [
            rows(&conn, "records", RECORDS_4_COLUMNS),
            rows(&conn, "reply_drafts", "*"),
            rows(&conn, "imap_moves", "*"),
            rows(&conn, "messages", "*"),
            rows(&conn, "message_keys", "*"),
        ];
        assert_eq!(before[0].len(), 3);
        assert_eq!(before[1].len(), 3);
        assert_eq!(before[2].len(), 4);
        // Another connection holds the version 4 schema while this one migrates.
        let other = Connection::open(&path).expect("other connection");
        configure(&other).expect("configure");
        assert!(insert_record(&other, 10, "", "no_form_found", "x").is_err());

        migrate(&mut conn).expect("migrate");
        let after = [
            rows(&conn, "records", RECORDS_4_COLUMNS),
            rows(&conn, "reply_drafts", "*"),
            rows(&conn, "imap_moves", "*"),
            rows(&conn, "messages", "*"),
            rows(&conn, "message_keys", "*"),
        ];
        assert_eq!(after, before, "every row kept as it was");
        let notes = rows(&conn, "records", "notes");
        assert_eq!(notes.len(), 3);
        assert!(
            notes
                .iter()
                .all(|n| n[0] == rusqlite::types::Value::Text(String::new())),
            "{notes:?}"
        );
        assert_newest_schema(&conn);
        // The other connection and a new one see the new schema (the cookie was raised).
        assert_newest_schema(&other);
        drop((conn, other));
        let reopened = Connection::open(&path).expect("reopen");
        configure(&reopened).expect("configure");
        assert_newest_schema(&reopened);
        drop(reopened);
        remove_ledger(&path);
    }

    #[test]
    fn a_fresh_ledger_has_the_newest_schema() {
        let (path, mut conn) = ledger_file("fresh", 0);
        migrate(&mut conn).expect("migrate");
        conn.execute_batch(VERSION_4_ROWS).expect("rows");
        assert_newest_schema(&conn);
        // Migrating again changes nothing.
        migrate(&mut conn).expect("migrate again");
        assert_eq!(rows(&conn, "records", "record_id").len(), 5);
        drop(conn);
        remove_ledger(&path);
    }
}
