using System.Globalization;
using System.Security.Cryptography;
using MLGradientInsight.Analyses.Checkpoints;
using MLGradientInsight.Analyses.LinearPath;
using MLGradientInsight.Analyses.Robustness;
using MLGradientInsight.Analyses.Trajectory;
using MLGradientInsight.Transforms.Store;
using Microsoft.Data.Sqlite;

namespace MLGradientInsight.Analyses.Storage;

/// <summary>
/// Saves and reads analysis results in a run store (the tables of docs/store-schema.md, "Analyses"): each analysis gets an id
/// (<c>a</c> + 8 hex digits) in <c>analyses</c>, its rows go to <c>trajectory_points</c>, <c>trajectory_windows</c>,
/// <c>trajectory_variance</c>, <c>linear_path</c>, <c>parameter_distance</c> or <c>layer_robustness</c>; the checkpoints
/// a tracked run kept are listed in <c>checkpoints</c>.
/// </summary>
public sealed class AnalysisStore
{
    private readonly string _connectionString;
    private readonly bool _readOnly;

    private AnalysisStore(RunStore runs, bool readOnly = false)
    {
        Runs = runs;
        _readOnly = readOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = runs.FilePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Gets the run store the tables live in.</summary>
    public RunStore Runs { get; }

    /// <summary>Opens (or creates) a run store and adds the analysis tables if they are missing.</summary>
    /// <param name="path">The store file.</param>
    /// <returns>The store.</returns>
    /// <exception cref="RunStoreException">See <see cref="RunStore.Open"/>.</exception>
    public static AnalysisStore Open(string path)
    {
        var store = new AnalysisStore(RunStore.Open(path));
        using SqliteConnection c = store.Connect();
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = AnalysisTables.Create;
        command.ExecuteNonQuery();
        return store;
    }

    /// <summary>
    /// Opens the analysis tables of a store for reading only (reports, the dashboard): nothing is created or written, and
    /// a store without the tables reads as one without analyses.
    /// </summary>
    /// <param name="runs">The run store.</param>
    /// <returns>The store.</returns>
    public static AnalysisStore OpenForReading(RunStore runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return new AnalysisStore(runs, readOnly: true);
    }

    /// <summary>Lists the analyses saved for a run (trajectory, linear path, robustness), oldest first.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The analyses (empty when there are none or the store has no analysis tables).</returns>
    public IReadOnlyList<AnalysisInfo> ReadAnalyses(string runId) =>
        Read<AnalysisInfo>("SELECT id, kind, run_id, created_utc, source, config_json FROM analyses WHERE run_id = $id ORDER BY created_utc, rowid", runId, "analyses");

    /// <summary>Finds the run that kept a checkpoint file (listed in <c>checkpoints</c> by <c>mlgi train --checkpoint-every</c>).</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>The run id, or null when no run lists the file.</returns>
    public string? FindRunOfCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!HasTable("checkpoints"))
        {
            return null;
        }

        using SqliteConnection c = Connect();
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = "SELECT run_id FROM checkpoints WHERE path = $path LIMIT 1";
        command.Parameters.AddWithValue("$path", Path.GetFullPath(path));
        return command.ExecuteScalar() as string;
    }

    /// <summary>Saves a first-layer importance map (003; <c>mlgi importance</c>).</summary>
    /// <param name="runId">The run it belongs to, or null.</param>
    /// <param name="source">What it was computed from (the checkpoint file).</param>
    /// <param name="criterion">The criterion (e.g. <c>ConnectionSensitivity</c>).</param>
    /// <param name="samples">The number of samples the gradients were taken over.</param>
    /// <param name="map">The map, [row, column] (e.g. 28 × 28 for Fashion-MNIST); NaN/±∞ are kept.</param>
    /// <returns>The map's id (<c>a</c> + 8 hex digits).</returns>
    /// <exception cref="ArgumentException">The map is empty.</exception>
    public string SaveImportanceMap(string? runId, string source, string criterion, int samples, float[,] map)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(criterion);
        ArgumentNullException.ThrowIfNull(map);
        if (map.Length == 0)
        {
            throw new ArgumentException("The importance map is empty.", nameof(map));
        }

        string id = NewId();
        using SqliteConnection c = Connect();
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = "INSERT INTO importance_maps (id, run_id, created_utc, source, criterion, samples, rows, columns, values_json) VALUES ($id, $run, $created, $source, $criterion, $samples, $rows, $columns, $values)";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$run", (object?)runId ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", Now());
        command.Parameters.AddWithValue("$source", source);
        command.Parameters.AddWithValue("$criterion", criterion);
        command.Parameters.AddWithValue("$samples", samples);
        command.Parameters.AddWithValue("$rows", map.GetLength(0));
        command.Parameters.AddWithValue("$columns", map.GetLength(1));
        command.Parameters.AddWithValue("$values", ImportanceMapRecord.ToJson(map));
        command.ExecuteNonQuery();
        return id;
    }

    /// <summary>Reads the importance maps saved for a run, oldest first.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The maps (empty when there are none).</returns>
    public IReadOnlyList<ImportanceMapRecord> ReadImportanceMaps(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var maps = new List<ImportanceMapRecord>();
        if (!HasTable("importance_maps"))
        {
            return maps;
        }

        using SqliteConnection c = Connect();
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = "SELECT id, run_id, created_utc, source, criterion, samples, rows, columns, values_json FROM importance_maps WHERE run_id = $id ORDER BY created_utc, rowid";
        command.Parameters.AddWithValue("$id", runId);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            maps.Add(new ImportanceMapRecord(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetInt32(5),
                ImportanceMapRecord.FromJson(reader.GetString(8), reader.GetInt32(6), reader.GetInt32(7))));
        }

        return maps;
    }

    /// <summary>Lists checkpoints a run kept.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="checkpoints">The checkpoints.</param>
    public void AddCheckpoints(string runId, IEnumerable<CheckpointEntry> checkpoints)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(checkpoints);
        using SqliteConnection c = Connect();
        using SqliteTransaction tx = c.BeginTransaction();
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO checkpoints (run_id, step, epoch, path, loss) VALUES ($run, $step, $epoch, $path, $loss)";
        foreach (CheckpointEntry e in checkpoints)
        {
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$run", runId);
            command.Parameters.AddWithValue("$step", e.Step);
            command.Parameters.AddWithValue("$epoch", e.Epoch);
            command.Parameters.AddWithValue("$path", Path.GetFullPath(e.Path));
            command.Parameters.AddWithValue("$loss", double.IsNaN(e.Loss) ? DBNull.Value : e.Loss);
            command.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>Reads the checkpoints a run kept, by step.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The checkpoints (empty when the run kept none).</returns>
    public IReadOnlyList<CheckpointEntry> ReadCheckpoints(string runId) =>
        Read<CheckpointEntry>("SELECT path, step, epoch, loss FROM checkpoints WHERE run_id = $id ORDER BY step", runId, "checkpoints");

    /// <summary>Saves a trajectory analysis.</summary>
    /// <param name="runId">The run it belongs to, or null.</param>
    /// <param name="source">What it was computed from (the checkpoint folder).</param>
    /// <param name="configJson">The options as JSON.</param>
    /// <param name="points">The points of every variant.</param>
    /// <param name="windows">The regime windows.</param>
    /// <param name="variance">The explained variances (PCA), or empty.</param>
    /// <returns>The analysis id.</returns>
    public string SaveTrajectory(string? runId, string source, string configJson, IEnumerable<TrajectoryPoint> points, IEnumerable<TrajectoryWindow> windows, IEnumerable<ExplainedVariance> variance) =>
        Save("trajectory", runId, source, configJson, (c, id) =>
        {
            Insert(c, "trajectory_points", id, points);
            Insert(c, "trajectory_windows", id, windows);
            Insert(c, "trajectory_variance", id, variance);
        });

    /// <summary>Saves a linear-path analysis (points and distances).</summary>
    /// <param name="runId">The run it belongs to, or null.</param>
    /// <param name="source">What it was computed from (the two checkpoints).</param>
    /// <param name="configJson">The options as JSON.</param>
    /// <param name="result">The result.</param>
    /// <returns>The analysis id.</returns>
    public string SaveLinearPath(string? runId, string source, string configJson, LinearPathResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Save("linear_path", runId, source, configJson, (c, id) =>
        {
            Insert(c, "linear_path", id, result.Points);
            Insert(c, "parameter_distance", id, result.Distances);
        });
    }

    /// <summary>Saves a robustness analysis.</summary>
    /// <param name="runId">The run it belongs to, or null.</param>
    /// <param name="source">What it was computed from (the two checkpoints).</param>
    /// <param name="configJson">The options as JSON.</param>
    /// <param name="result">The result.</param>
    /// <returns>The analysis id.</returns>
    public string SaveRobustness(string? runId, string source, string configJson, RobustnessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Save("robustness", runId, source, configJson, (c, id) => Insert(c, "layer_robustness", id, result.Layers));
    }

    /// <summary>Reads the rows of one analysis table back as records.</summary>
    /// <typeparam name="T">The record type of the table (<see cref="LinearPathPoint"/> for <c>linear_path</c>, …).</typeparam>
    /// <param name="table">The table.</param>
    /// <param name="analysisId">The analysis id.</param>
    /// <returns>The rows in insertion order.</returns>
    /// <exception cref="ArgumentException">The table is not an analysis table.</exception>
    public IReadOnlyList<T> ReadRows<T>(string table, string analysisId)
    {
        if (table is not ("trajectory_points" or "trajectory_windows" or "trajectory_variance" or "linear_path" or "parameter_distance" or "layer_robustness"))
        {
            throw new ArgumentException($"'{table}' is not an analysis table.", nameof(table));
        }

        return Read<T>($"SELECT {string.Join(", ", RecordColumns<T>.Names)} FROM {table} WHERE analysis_id = $id ORDER BY rowid", analysisId, table);
    }

    private string Save(string kind, string? runId, string source, string configJson, Action<SqliteConnection, string> rows)
    {
        string id = NewId();
        using SqliteConnection c = Connect();
        using SqliteTransaction tx = c.BeginTransaction();
        using (SqliteCommand command = c.CreateCommand())
        {
            command.CommandText = "INSERT INTO analyses (id, kind, run_id, created_utc, source, config_json) VALUES ($id, $kind, $run, $created, $source, json($config))";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$kind", kind);
            command.Parameters.AddWithValue("$run", (object?)runId ?? DBNull.Value);
            command.Parameters.AddWithValue("$created", Now());
            command.Parameters.AddWithValue("$source", source);
            command.Parameters.AddWithValue("$config", string.IsNullOrWhiteSpace(configJson) ? "{}" : configJson);
            command.ExecuteNonQuery();
        }

        rows(c, id);
        tx.Commit();
        return id;
    }

    private static void Insert<T>(SqliteConnection c, string table, string analysisId, IEnumerable<T> rows)
    {
        IReadOnlyList<string> names = RecordColumns<T>.Names;
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = $"INSERT INTO {table} (analysis_id, {string.Join(", ", names)}) VALUES ($id, {string.Join(", ", names.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        foreach (T row in rows)
        {
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$id", analysisId);
            for (int i = 0; i < names.Count; i++)
            {
                object? value = RecordColumns<T>.Value(row, i);
                command.Parameters.AddWithValue("$p" + i.ToString(CultureInfo.InvariantCulture), value is null || value is double.NaN ? DBNull.Value : value);
            }

            command.ExecuteNonQuery();
        }
    }

    private static string NewId() => "a" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Whether a table exists (a store opened for reading may predate the analysis tables).</summary>
    private bool HasTable(string table)
    {
        using SqliteConnection c = Connect();
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", table);
        return command.ExecuteScalar() is not null;
    }

    private List<T> Read<T>(string sql, string id, string table)
    {
        if (!HasTable(table))
        {
            return [];
        }

        using SqliteConnection c = Connect();
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        using SqliteDataReader reader = command.ExecuteReader();
        System.Reflection.ConstructorInfo constructor = typeof(T).GetConstructors().Single(k => k.GetParameters().Length == reader.FieldCount);
        Type[] types = [.. constructor.GetParameters().Select(p => p.ParameterType)];
        var rows = new List<T>();
        while (reader.Read())
        {
            object?[] values = new object?[types.Length];
            for (int i = 0; i < types.Length; i++)
            {
                values[i] = types[i] == typeof(double) ? (reader.IsDBNull(i) ? double.NaN : reader.GetDouble(i))
                    : types[i] == typeof(long) ? reader.GetInt64(i)
                    : types[i] == typeof(int) ? reader.GetInt32(i)
                    : reader.GetString(i);
            }

            rows.Add((T)constructor.Invoke(values));
        }

        return rows;
    }

    private SqliteConnection Connect()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        using SqliteCommand pragmas = c.CreateCommand();
        pragmas.CommandText = "PRAGMA busy_timeout = 30000;" + (_readOnly ? "" : " PRAGMA synchronous = NORMAL;");
        pragmas.ExecuteNonQuery();
        return c;
    }
}
