using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Store;

/// <summary>The DDL of the run store (documented for SQL users in docs/store-schema.md).</summary>
internal static class RunStoreSchema
{
    /// <summary>The value of <c>PRAGMA application_id</c> in a run store: ASCII "MLGI".</summary>
    public const int ApplicationId = 0x4D4C4749;

    /// <summary>Creates every table and index of schema version 1 (the <c>activity</c> table from <see cref="ActivityColumns"/>).</summary>
    public static readonly string CreateVersion1 = """
        CREATE TABLE schema_info (
            version      INTEGER NOT NULL,
            created_utc  TEXT    NOT NULL,
            application  TEXT    NOT NULL
        );
        CREATE TABLE runs (
            id            TEXT PRIMARY KEY,
            name          TEXT NOT NULL,
            started_utc   TEXT NOT NULL,
            ended_utc     TEXT,
            heartbeat_utc TEXT,
            status        TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
            message       TEXT,
            config_json   TEXT NOT NULL DEFAULT '{}',
            model_summary TEXT NOT NULL DEFAULT '',
            writer_pid    INTEGER,
            writer_host   TEXT,
            writer_start  TEXT
        );
        CREATE TABLE steps (
            run_id        TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            step          INTEGER NOT NULL,
            epoch         INTEGER NOT NULL,
            loss          REAL,
            learning_rate REAL,
            step_ms       REAL,
            PRIMARY KEY (run_id, step)
        );
        """ + ActivityColumns.StoreTableSql + """

        CREATE INDEX activity_by_layer ON activity (run_id, layer, step);
        CREATE TABLE epochs (
            run_id         TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            epoch          INTEGER NOT NULL,
            train_loss     REAL,
            train_accuracy REAL,
            val_loss       REAL,
            val_accuracy   REAL,
            PRIMARY KEY (run_id, epoch)
        );
        CREATE INDEX runs_by_start ON runs (started_utc);
        """ + CreateUnitActivity + CreateAdvisorActions;

    /// <summary>
    /// Creates the per-unit table (000 §3.4.4). Part of version 1; created on open in version-1 files made before it existed.
    /// </summary>
    public const string CreateUnitActivity = """
        CREATE TABLE IF NOT EXISTS unit_activity (
            run_id   TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            step     INTEGER NOT NULL,
            layer    TEXT    NOT NULL,
            unit     INTEGER NOT NULL,
            activity REAL,
            PRIMARY KEY (run_id, layer, step, unit)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Creates the closed loop's decisions table (<c>mlgi train --auto-adjust</c>). An additive part of version 1 like
    /// <see cref="CreateUnitActivity"/>: created on open in version-1 files made before it existed; readers that do not
    /// know it ignore it, so the version stays 1.
    /// </summary>
    public const string CreateAdvisorActions = """
        CREATE TABLE IF NOT EXISTS advisor_actions (
            run_id      TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            seq         INTEGER NOT NULL,
            step        INTEGER NOT NULL,
            action      TEXT    NOT NULL,
            outcome     TEXT    NOT NULL,
            old_lr      REAL,
            new_lr      REAL,
            evidence    TEXT    NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        """;
}
