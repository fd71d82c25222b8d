namespace MLGradientInsight.Analyses.Storage;

/// <summary>
/// The analysis tables of a run store: a separate table set added with <c>CREATE TABLE IF NOT EXISTS</c> to a schema-version-1
/// store, so older readers (which ignore tables they do not know) keep working and the version stays 1. Documented in docs/store-schema.md.
/// </summary>
internal static class AnalysisTables
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS analyses (
            id          TEXT PRIMARY KEY,
            kind        TEXT NOT NULL CHECK (kind IN ('trajectory', 'linear_path', 'robustness')),
            run_id      TEXT,
            created_utc TEXT NOT NULL,
            source      TEXT NOT NULL,
            config_json TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX IF NOT EXISTS analyses_by_run ON analyses (run_id, kind);
        CREATE TABLE IF NOT EXISTS checkpoints (
            run_id TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            step   INTEGER NOT NULL,
            epoch  INTEGER NOT NULL,
            path   TEXT    NOT NULL,
            loss   REAL,
            PRIMARY KEY (run_id, step)
        );
        CREATE TABLE IF NOT EXISTS trajectory_points (
            analysis_id TEXT    NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
            variant     TEXT    NOT NULL,
            step        INTEGER NOT NULL,
            epoch       INTEGER NOT NULL,
            x           REAL,
            y           REAL,
            loss        REAL,
            PRIMARY KEY (analysis_id, variant, step)
        );
        CREATE TABLE IF NOT EXISTS trajectory_variance (
            analysis_id TEXT    NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
            variant     TEXT    NOT NULL,
            component   INTEGER NOT NULL,
            explained   REAL,
            PRIMARY KEY (analysis_id, variant, component)
        );
        CREATE TABLE IF NOT EXISTS trajectory_windows (
            analysis_id  TEXT    NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
            variant      TEXT    NOT NULL,
            first_step   INTEGER NOT NULL,
            last_step    INTEGER NOT NULL,
            points       INTEGER NOT NULL,
            path_length  REAL,
            displacement REAL,
            efficiency   REAL,
            threshold    REAL,
            regime       TEXT    NOT NULL,
            PRIMARY KEY (analysis_id, variant, first_step)
        );
        CREATE TABLE IF NOT EXISTS linear_path (
            analysis_id TEXT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
            scope       TEXT NOT NULL,
            target      TEXT NOT NULL,
            layer       TEXT NOT NULL,
            alpha       REAL NOT NULL,
            loss        REAL,
            accuracy    REAL,
            PRIMARY KEY (analysis_id, target, alpha)
        );
        CREATE TABLE IF NOT EXISTS parameter_distance (
            analysis_id       TEXT    NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
            scope             TEXT    NOT NULL,
            target            TEXT    NOT NULL,
            layer             TEXT    NOT NULL,
            count             INTEGER NOT NULL,
            distance          REAL,
            initial_norm      REAL,
            relative_distance REAL,
            PRIMARY KEY (analysis_id, scope, target)
        );
        CREATE TABLE IF NOT EXISTS layer_robustness (
            analysis_id      TEXT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
            layer            TEXT NOT NULL,
            mode             TEXT NOT NULL,
            loss             REAL,
            accuracy         REAL,
            trained_loss     REAL,
            trained_accuracy REAL,
            damage           REAL,
            threshold        REAL,
            verdict          TEXT NOT NULL,
            PRIMARY KEY (analysis_id, layer, mode)
        );
        CREATE TABLE IF NOT EXISTS importance_maps (
            id          TEXT    PRIMARY KEY,
            run_id      TEXT,
            created_utc TEXT    NOT NULL,
            source      TEXT    NOT NULL,
            criterion   TEXT    NOT NULL,
            samples     INTEGER NOT NULL,
            rows        INTEGER NOT NULL,
            columns     INTEGER NOT NULL,
            values_json TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS importance_maps_by_run ON importance_maps (run_id);
        """;
}
