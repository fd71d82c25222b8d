using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// A SQLite file holding training runs: their configuration, per-step loss and learning rate, per-layer
/// activity and per-epoch metrics. The schema is documented for SQL users in <c>docs/store-schema.md</c>.
/// </summary>
/// <remarks>
/// The file uses WAL journaling with <c>synchronous=NORMAL</c>: readers (another process, a SQL shell) read while a
/// run is being written, and a killed writer loses at most its last uncommitted batch. Every call opens its own
/// short-lived connection, so a <see cref="RunStore"/> holds no resources and may be used from several threads.
/// NaN is stored as NULL and ±Infinity as IEEE infinities, so values read back exactly.
/// </remarks>
public sealed class RunStore
{
    /// <summary>The schema version this library reads and writes (the <c>schema_info.version</c> column).</summary>
    public const int SchemaVersion = 1;

    private const int SqliteNotADatabase = 26;
    private const int SqliteCorrupt = 11;
    private const int SqliteCannotOpen = 14;
    private const int SqliteReadOnly = 8;
    private const string RunColumns =
        "r.id, r.name, r.status, r.started_utc, r.ended_utc, r.heartbeat_utc, r.config_json, r.model_summary, r.message, r.writer_pid, r.writer_host, " +
        "COALESCE(NULLIF((SELECT COUNT(*) FROM steps s WHERE s.run_id = r.id), 0), (SELECT COUNT(DISTINCT a.step) FROM activity a WHERE a.run_id = r.id))";

    private readonly string _connectionString;

    private RunStore(string filePath)
    {
        FilePath = filePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Gets the full path of the store file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Opens a run store, creating the file (and its folder) when it does not exist. Runs left <c>running</c> by a
    /// writer process that no longer exists on this machine are marked <c>interrupted</c>.
    /// </summary>
    /// <param name="path">The store file (conventionally <c>*.db</c>).</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="RunStoreException">The file is not a SQLite database, belongs to another application, is damaged,
    /// cannot be opened for writing, or has a schema version this library does not support.</exception>
    public static RunStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new RunStoreException(fullPath, $"'{fullPath}' is a folder, not a run store file. Pass a file path such as '{Path.Combine(fullPath, "runs.db")}'.");
        }

        string? folder = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RunStoreException(
                    fullPath,
                    $"The folder of the run store '{fullPath}' cannot be created ({e.Message}). Check that '{folder}' is not a file and is writable, or pass another path.",
                    innerException: e);
            }
        }

        var store = new RunStore(fullPath);
        try
        {
            store.Initialize();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteNotADatabase)
        {
            throw new RunStoreException(
                fullPath,
                $"'{fullPath}' is not a SQLite database, so it cannot be a run store. Pass the path of a store created by mlgi (a .db file), or a new path to create one; to load a CSV trace use RunStore.Import (`mlgi import`).",
                innerException: e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCannotOpen or SqliteReadOnly)
        {
            throw new RunStoreException(
                fullPath,
                $"The run store '{fullPath}' cannot be opened for writing ({e.Message}). Check that the file and its folder are writable by this user, or pass another path.",
                innerException: e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt)
        {
            throw new RunStoreException(
                fullPath,
                $"The run store '{fullPath}' is damaged ({e.Message}). Recover what is readable with `sqlite3 \"{fullPath}\" .recover`, or start a new store file.",
                innerException: e);
        }

        store.MarkInterruptedRuns();
        return store;
    }

    /// <summary>Starts a run and returns the writer that records it.</summary>
    /// <param name="name">A human-readable name (need not be unique); null or empty names the run after its id.</param>
    /// <param name="configJson">The full configuration as a JSON document, or null for <c>{}</c>.</param>
    /// <param name="modelSummary">The model summary text, or null.</param>
    /// <param name="options">Writer options, or null for <see cref="RunWriterOptions.Default"/>.</param>
    /// <returns>The writer; finish it with <see cref="RunWriter.Complete"/> or <see cref="RunWriter.Fail"/> and dispose it.</returns>
    /// <exception cref="ArgumentException"><paramref name="configJson"/> is not valid JSON.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RunWriter StartRun(string? name, string? configJson = null, string? modelSummary = null, RunWriterOptions? options = null)
    {
        options ??= RunWriterOptions.Default;
        options.Validate();
        configJson = ValidateJson(configJson);

        var (processId, host, startToken) = WriterProcess.Current();
        SqliteConnection connection = OpenConnection();
        try
        {
            string id;
            using (SqliteTransaction transaction = connection.BeginTransaction())
            {
                id = NewRunId(connection, transaction);
                using SqliteCommand insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText =
                    "INSERT INTO runs (id, name, started_utc, status, config_json, model_summary, writer_pid, writer_host, writer_start) " +
                    "VALUES ($id, $name, $started, 'running', $config, $summary, $pid, $host, $start)";
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$name", string.IsNullOrEmpty(name) ? id : name);
                insert.Parameters.AddWithValue("$started", SqliteValues.FormatTime(DateTime.UtcNow));
                insert.Parameters.AddWithValue("$config", configJson);
                insert.Parameters.AddWithValue("$summary", modelSummary ?? "");
                insert.Parameters.AddWithValue("$pid", processId);
                insert.Parameters.AddWithValue("$host", host);
                insert.Parameters.AddWithValue("$start", startToken);
                insert.ExecuteNonQuery();
                transaction.Commit();
            }

            return new RunWriter(FilePath, id, connection, options);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Lists the runs, oldest first.</summary>
    /// <returns>The runs.</returns>
    public IReadOnlyList<RunInfo> ListRuns()
    {
        using SqliteConnection connection = OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {RunColumns} FROM runs r ORDER BY r.started_utc, r.rowid";
        using SqliteDataReader reader = command.ExecuteReader();
        var runs = new List<RunInfo>();
        while (reader.Read())
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    /// <summary>Gets one run.</summary>
    /// <param name="runId">The run id (<c>r3f9a01c2</c>).</param>
    /// <returns>The run.</returns>
    /// <exception cref="ArgumentException">No run has this id (the message says how to list the ids).</exception>
    public RunInfo GetRun(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (!TryGetRun(runId, out RunInfo? run))
        {
            throw new ArgumentException(
                $"The run store '{FilePath}' has no run '{runId}'. List the run ids with `mlgi runs` (or RunStore.ListRuns); ids look like 'r3f9a01c2'.",
                nameof(runId));
        }

        return run;
    }

    /// <summary>
    /// Finds a run the way a user names it on the command line: by its full id, by a unique prefix of its id
    /// (<c>r3f9</c>), or by its name when exactly one run has that name.
    /// </summary>
    /// <param name="idPrefixOrName">A full id, an id prefix of at least 2 characters, or a run name.</param>
    /// <returns>The run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="idPrefixOrName"/> is null.</exception>
    /// <exception cref="ArgumentException">No run matches, or several do (the message lists them and says how to choose).</exception>
    public RunInfo FindRun(string idPrefixOrName)
    {
        ArgumentNullException.ThrowIfNull(idPrefixOrName);
        if (TryGetRun(idPrefixOrName, out RunInfo? exact))
        {
            return exact;
        }

        List<RunInfo> matches = ListRuns()
            .Where(r => (idPrefixOrName.Length >= 2 && r.Id.StartsWith(idPrefixOrName, StringComparison.OrdinalIgnoreCase)) || r.Name == idPrefixOrName)
            .ToList();
        if (matches.Count == 1)
        {
            return matches[0];
        }

        if (matches.Count == 0)
        {
            throw new ArgumentException(
                $"The run store '{FilePath}' has no run with the id, id prefix or name '{idPrefixOrName}'. List the runs with `mlgi runs` (or RunStore.ListRuns); ids look like 'r3f9a01c2'.",
                nameof(idPrefixOrName));
        }

        string candidates = string.Join("; ", matches.Take(10).Select(r => $"{r.Id} ('{r.Name}', started {r.StartedUtc:yyyy-MM-dd HH:mm:ss}Z, {SqliteValues.ToDb(r.Status)})"));
        string more = matches.Count > 10 ? $" and {matches.Count - 10} more" : "";
        throw new ArgumentException(
            $"'{idPrefixOrName}' matches {matches.Count} runs in '{FilePath}': {candidates}{more}. Use a longer id prefix or the full id.",
            nameof(idPrefixOrName));
    }

    /// <summary>Throws <see cref="GetRun"/>'s exception when no run has this id; cheaper than <see cref="GetRun"/> (no step count),
    /// so the readers that only need the check (called per layer and per poll by the dashboard) do not count a run's steps each time.</summary>
    private void EnsureRun(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        using SqliteConnection connection = OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM runs WHERE id = $id";
        command.Parameters.AddWithValue("$id", runId);
        if (command.ExecuteScalar() is null)
        {
            GetRun(runId);
        }
    }

    /// <summary>Gets one run if it exists.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="run">The run, or null.</param>
    /// <returns>True when the run exists.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="runId"/> is null.</exception>
    public bool TryGetRun(string runId, [NotNullWhen(true)] out RunInfo? run)
    {
        ArgumentNullException.ThrowIfNull(runId);
        using SqliteConnection connection = OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {RunColumns} FROM runs r WHERE r.id = $id";
        command.Parameters.AddWithValue("$id", runId);
        using SqliteDataReader reader = command.ExecuteReader();
        run = reader.Read() ? ReadRun(reader) : null;
        return run is not null;
    }

    /// <summary>
    /// Reads the activity rows of a run, ordered by step, then the <c>network</c> row, then layers in the order written.
    /// Rows are read lazily; missing values are NaN.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The rows; <see cref="ActivityRecord.Run"/> is <paramref name="runId"/>.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public IEnumerable<ActivityRecord> ReadActivity(string runId) => ReadActivity(runId, fromStep: 1);

    /// <summary>
    /// Reads the activity rows of a run from a step on (for readers that follow a run while it is written), ordered
    /// like <see cref="ReadActivity(string)"/>. Rows are read lazily; missing values are NaN.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="fromStep">The first step to read (inclusive).</param>
    /// <returns>The rows with <c>step ≥ fromStep</c>.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public IEnumerable<ActivityRecord> ReadActivity(string runId, long fromStep)
    {
        EnsureRun(runId);
        return ReadActivityRows(runId, fromStep);
    }

    /// <summary>
    /// Reads some columns of a run's activity rows from a step on, ordered like <see cref="ReadActivity(string)"/>: the
    /// fast way to read a long run when only a few columns are needed (a chart, a diagnosis). Rows are read lazily.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="fromStep">The first step to read (inclusive).</param>
    /// <param name="columns">The columns to read, as <see cref="ActivityColumns"/> indices (<see cref="ActivityColumns.Activity"/>,
    /// …); step, layer and run are always there. The others read as missing: NaN, and 0 for epoch and non-finite count.</param>
    /// <returns>The rows with <c>step ≥ fromStep</c>.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column index is not one of <see cref="ActivityColumns.All"/>.</exception>
    public IEnumerable<ActivityRecord> ReadActivity(string runId, long fromStep, IReadOnlyCollection<int> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (int column in columns)
        {
            if (column < 0 || column >= ActivityColumns.All.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(columns), column, $"Activity column indices are 0 … {ActivityColumns.All.Length - 1} (ActivityColumns.Run … ActivityColumns.LearningRate).");
            }
        }

        EnsureRun(runId);
        return ReadActivityRows(runId, fromStep, columns);
    }

    /// <summary>Lists the layers that have activity rows in a run: <c>network</c> first, then in the order of their first row (lowest step, first written). A few index seeks per layer, whatever the run's length.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The layer names.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public IReadOnlyList<string> ReadLayers(string runId)
    {
        EnsureRun(runId);
        using SqliteConnection connection = OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        // A loose index scan: one seek of the (run, layer, step) index per layer name, then one per layer for its first row,
        // instead of grouping every activity row of the run (2.1 M rows for 100,000 steps × 21 series: seconds per call).
        command.CommandText = """
            WITH RECURSIVE names(layer) AS (
                SELECT MIN(layer) FROM activity WHERE run_id = $id
                UNION ALL
                SELECT (SELECT MIN(a.layer) FROM activity a WHERE a.run_id = $id AND a.layer > names.layer) FROM names WHERE names.layer IS NOT NULL)
            SELECT layer FROM names WHERE layer IS NOT NULL
            ORDER BY layer <> 'network', (SELECT a.rowid FROM activity a WHERE a.run_id = $id AND a.layer = names.layer ORDER BY a.step, a.rowid LIMIT 1)
            """;
        command.Parameters.AddWithValue("$id", runId);
        using SqliteDataReader reader = command.ExecuteReader();
        var layers = new List<string>();
        while (reader.Read())
        {
            layers.Add(reader.GetString(0));
        }

        return layers;
    }

    /// <summary>
    /// Reads the activity rows of one layer of a run from a step on, in step order. Served by the (run, layer, step)
    /// index without sorting, so it is the fast way to read long runs layer by layer (charts, dashboards).
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="layer">The layer name (<c>network</c> for the whole network).</param>
    /// <param name="fromStep">The first step to read (inclusive).</param>
    /// <returns>The rows, read lazily; missing values are NaN.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public IEnumerable<ActivityRecord> ReadLayerActivity(string runId, string layer, long fromStep = 1)
    {
        ArgumentNullException.ThrowIfNull(layer);
        EnsureRun(runId);
        return ReadLayerRows(runId, layer, fromStep);
    }

    private IEnumerable<ActivityRecord> ReadLayerRows(string runId, string layer, long fromStep)
    {
        using SqliteConnection connection = OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = ActivityTable.SelectByLayerSql;
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$layer", layer);
        command.Parameters.AddWithValue("$from", fromStep);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ActivityTable.Read(reader, runId);
        }
    }

    /// <summary>
    /// Reads the per-unit activity rows of a run (000 §3.4.4), written when the tracker runs with unit detail;
    /// ordered by step, then layer name, then unit. Rows are read lazily; NaN activity reads back as NaN.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="layer">Only this layer's rows, or null for every layer.</param>
    /// <returns>The rows; <see cref="UnitActivityRecord.Run"/> is <paramref name="runId"/>.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public IEnumerable<UnitActivityRecord> ReadUnitActivity(string runId, string? layer = null)
    {
        EnsureRun(runId);
        return ReadUnitRows(runId, layer);
    }

    /// <summary>Reads the step rows of a run, ordered by step.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The steps; missing values are NaN.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public IReadOnlyList<StepRecord> ReadSteps(string runId) => ReadSteps(runId, fromStep: 1);

    /// <summary>Reads the step rows of a run from a step on, ordered by step.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="fromStep">The first step to read (inclusive).</param>
    /// <returns>The steps with <c>step ≥ fromStep</c>; missing values are NaN.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public IReadOnlyList<StepRecord> ReadSteps(string runId, long fromStep)
    {
        EnsureRun(runId);
        using SqliteConnection connection = OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT step, epoch, loss, learning_rate, step_ms FROM steps WHERE run_id = $id AND step >= $from ORDER BY step";
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$from", fromStep);
        using SqliteDataReader reader = command.ExecuteReader();
        var steps = new List<StepRecord>();
        while (reader.Read())
        {
            steps.Add(new StepRecord
            {
                Run = runId,
                Step = reader.GetInt64(0),
                Epoch = reader.GetInt32(1),
                Loss = SqliteValues.ReadDouble(reader, 2),
                LearningRate = SqliteValues.ReadDouble(reader, 3),
                StepMilliseconds = SqliteValues.ReadDouble(reader, 4),
            });
        }

        return steps;
    }

    /// <summary>Reads the closed loop's decisions of a run (<c>mlgi train --auto-adjust</c>), in the order they were made.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The decisions (empty for a run trained without --auto-adjust); missing learning rates are NaN.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public IReadOnlyList<AdvisorActionRecord> ReadAdvisorActions(string runId) => ReadRunRows(
        runId,
        "SELECT step, action, outcome, old_lr, new_lr, evidence FROM advisor_actions WHERE run_id = $id ORDER BY seq",
        reader => new AdvisorActionRecord
        {
            Run = runId,
            Step = reader.GetInt64(0),
            Action = reader.GetString(1),
            Outcome = reader.GetString(2),
            OldLearningRate = SqliteValues.ReadDouble(reader, 3),
            NewLearningRate = SqliteValues.ReadDouble(reader, 4),
            Evidence = reader.GetString(5),
        });

    /// <summary>Reads the epoch rows of a run, ordered by epoch.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The epochs; missing values are NaN.</returns>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public IReadOnlyList<EpochRecord> ReadEpochs(string runId) => ReadRunRows(
        runId,
        "SELECT epoch, train_loss, train_accuracy, val_loss, val_accuracy FROM epochs WHERE run_id = $id ORDER BY epoch",
        reader => new EpochRecord
        {
            Run = runId,
            Epoch = reader.GetInt32(0),
            TrainLoss = SqliteValues.ReadDouble(reader, 1),
            TrainAccuracy = SqliteValues.ReadDouble(reader, 2),
            ValidationLoss = SqliteValues.ReadDouble(reader, 3),
            ValidationAccuracy = SqliteValues.ReadDouble(reader, 4),
        });

    /// <summary>Reads the rows one query selects for a run (<c>$id</c> bound to <paramref name="runId"/>), after checking the run exists.</summary>
    private List<T> ReadRunRows<T>(string runId, string sql, Func<SqliteDataReader, T> read)
    {
        EnsureRun(runId);
        using SqliteConnection connection = OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", runId);
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>
    /// Imports a CSV trace (see <see cref="TraceCsv"/>): one new run per distinct <c>run</c> value (its name is that
    /// value), or one run named after the file when the column is absent or empty. Runs are <c>completed</c>; their
    /// <c>steps</c> rows are derived from the trace (loss and learning rate of the <c>network</c> row, else the first row of the step).
    /// The whole file is validated first and imported in one transaction: a file with any bad line imports nothing,
    /// and a file with a header but no rows creates no run.
    /// </summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The new runs, in the order they first appear in the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TraceFormatException">The file is not a valid trace (the message names line, column and fix).</exception>
    public IReadOnlyList<RunInfo> Import(string path) => Import(path, null);

    /// <summary>
    /// Imports a CSV trace as <see cref="Import(string)"/> does, naming the run <paramref name="runName"/> instead of
    /// the file's <c>run</c> value (for a file that holds one run).
    /// </summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="runName">The name of the new run, or null to use the file's <c>run</c> values.</param>
    /// <returns>The new runs, in the order they first appear in the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty, or <paramref name="runName"/> is given for a file with several runs.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TraceFormatException">The file is not a valid trace (the message names line, column and fix).</exception>
    public IReadOnlyList<RunInfo> Import(string path, string? runName)
    {
        IReadOnlyList<ActivityRecord> records = TraceCsv.Read(path);
        if (runName is not null && records.Select(r => r.Run).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw new ArgumentException($"The trace '{path}' holds several runs ('run' column), so they cannot all get the name '{runName}'. Import it without a name, or split the file by run.", nameof(runName));
        }

        string fileName = Path.GetFileNameWithoutExtension(path);
        string configJson = JsonSerializer.Serialize(new Dictionary<string, string> { ["imported_from"] = Path.GetFullPath(path) });

        var runIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        using SqliteConnection connection = OpenConnection();
        using (SqliteTransaction transaction = connection.BeginTransaction())
        {
            string now = SqliteValues.FormatTime(DateTime.UtcNow);
            using SqliteCommand insertRun = connection.CreateCommand();
            insertRun.Transaction = transaction;
            insertRun.CommandText =
                "INSERT INTO runs (id, name, started_utc, ended_utc, status, config_json) VALUES ($id, $name, $now, $now, 'completed', $config)";
            SqliteParameter runId = insertRun.Parameters.Add("$id", SqliteType.Text);
            SqliteParameter nameParameter = insertRun.Parameters.Add("$name", SqliteType.Text);
            insertRun.Parameters.AddWithValue("$now", now);
            insertRun.Parameters.AddWithValue("$config", configJson);

            using SqliteCommand insertActivity = connection.CreateCommand();
            insertActivity.Transaction = transaction;
            insertActivity.CommandText = ActivityTable.InsertSql(replace: false);
            ActivityTable.AddValueParameters(insertActivity);
            SqliteParameter activityRun = insertActivity.Parameters.Add("$run", SqliteType.Text);
            insertActivity.Prepare();
            var steps = new Dictionary<(string Run, long Step), (StepRecord Step, bool FromNetwork)>();
            foreach (ActivityRecord record in records)
            {
                if (!runIds.TryGetValue(record.Run, out string? id))
                {
                    id = NewRunId(connection, transaction);
                    runIds.Add(record.Run, id);
                    order.Add(id);
                    runId.Value = id;
                    nameParameter.Value = runName ?? (record.Run.Length == 0 ? fileName : record.Run);
                    insertRun.ExecuteNonQuery();
                }

                activityRun.Value = id;
                ActivityTable.Bind(insertActivity.Parameters, record);
                insertActivity.ExecuteNonQuery();

                bool isNetwork = record.Layer == ActivityRecord.NetworkLayer;
                if (!steps.TryGetValue((id, record.Step), out var known) || (isNetwork && !known.FromNetwork))
                {
                    steps[(id, record.Step)] = (
                        new StepRecord { Step = record.Step, Epoch = record.Epoch, Loss = record.Loss, LearningRate = record.LearningRate },
                        isNetwork);
                }
            }

            using SqliteCommand insertStep = connection.CreateCommand();
            insertStep.Transaction = transaction;
            insertStep.CommandText = "INSERT INTO steps (run_id, step, epoch, loss, learning_rate, step_ms) VALUES ($run, $step, $epoch, $loss, $lr, NULL)";
            SqliteParameter stepRun = insertStep.Parameters.Add("$run", SqliteType.Text);
            SqliteParameter stepNumber = insertStep.Parameters.Add("$step", SqliteType.Integer);
            SqliteParameter stepEpoch = insertStep.Parameters.Add("$epoch", SqliteType.Integer);
            SqliteParameter stepLoss = insertStep.Parameters.Add("$loss", SqliteType.Real);
            SqliteParameter stepRate = insertStep.Parameters.Add("$lr", SqliteType.Real);
            foreach (var ((run, step), (record, _)) in steps)
            {
                stepRun.Value = run;
                stepNumber.Value = step;
                stepEpoch.Value = record.Epoch;
                stepLoss.Value = SqliteValues.ToDb(record.Loss);
                stepRate.Value = SqliteValues.ToDb(record.LearningRate);
                insertStep.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return order.ConvertAll(GetRun);
    }

    /// <summary>
    /// Exports the activity rows of a run as a CSV trace (see <see cref="TraceCsv"/>); the <c>run</c> column holds the
    /// run's name, so that importing the file and exporting again gives the same bytes.
    /// </summary>
    /// <param name="runId">The run id.</param>
    /// <param name="path">The CSV file to create or overwrite.</param>
    /// <exception cref="ArgumentException">No run has this id, or <paramref name="path"/> is null or empty.</exception>
    public void Export(string runId, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RunInfo run = GetRun(runId);
        TraceCsv.Write(path, ReadActivityRows(runId, 1).Select(r => r with { Run = run.Name }));
    }

    /// <summary>Exports the activity rows of a run as a CSV trace; see <see cref="Export(string, string)"/>.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="writer">The destination.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    public void Export(string runId, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        RunInfo run = GetRun(runId);
        TraceCsv.Write(writer, ReadActivityRows(runId, 1).Select(r => r with { Run = run.Name }));
    }

    /// <summary>Marks runs <c>interrupted</c> whose status is <c>running</c> but whose writer process is gone.</summary>
    /// <returns>The number of runs marked.</returns>
    internal int MarkInterruptedRuns()
    {
        using SqliteConnection connection = OpenConnection();
        var gone = new List<(string Id, string? Heartbeat)>();
        using (SqliteCommand select = connection.CreateCommand())
        {
            select.CommandText = "SELECT id, writer_pid, writer_host, writer_start, heartbeat_utc, started_utc FROM runs WHERE status = 'running'";
            using SqliteDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                bool alive = !reader.IsDBNull(1) && WriterProcess.MightBeAlive(
                    reader.GetInt32(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3));
                if (!alive)
                {
                    gone.Add((reader.GetString(0), reader.IsDBNull(4) ? reader.GetString(5) : reader.GetString(4)));
                }
            }
        }

        if (gone.Count == 0)
        {
            return 0;
        }

        using SqliteTransaction transaction = connection.BeginTransaction();
        using SqliteCommand update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText =
            "UPDATE runs SET status = 'interrupted', ended_utc = $ended, " +
            "message = 'The writer process ended without completing the run; rows after the last committed batch are missing.' " +
            "WHERE id = $id AND status = 'running'";
        SqliteParameter id = update.Parameters.Add("$id", SqliteType.Text);
        SqliteParameter ended = update.Parameters.Add("$ended", SqliteType.Text);
        int marked = 0;
        foreach (var (runId, heartbeat) in gone)
        {
            id.Value = runId;
            ended.Value = heartbeat;
            marked += update.ExecuteNonQuery();
        }

        transaction.Commit();
        return marked;
    }

    /// <summary>Opens a connection with the store's pragmas (busy timeout, <c>synchronous=NORMAL</c>, foreign keys).</summary>
    /// <returns>The open connection.</returns>
    internal SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using SqliteCommand pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private IEnumerable<ActivityRecord> ReadActivityRows(string runId, long fromStep, IReadOnlyCollection<int>? columns = null)
    {
        using SqliteConnection connection = OpenConnection();
        foreach (ActivityRecord r in ActivityTable.ReadRun(connection, runId, fromStep, columns))
        {
            yield return r;
        }
    }

    private IEnumerable<UnitActivityRecord> ReadUnitRows(string runId, string? layer)
    {
        using SqliteConnection connection = OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = layer is null
            ? "SELECT step, layer, unit, activity FROM unit_activity WHERE run_id = $id ORDER BY step, layer, unit"
            : "SELECT step, layer, unit, activity FROM unit_activity WHERE run_id = $id AND layer = $layer ORDER BY step, unit";
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$layer", (object?)layer ?? DBNull.Value);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new UnitActivityRecord(runId, reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), SqliteValues.ReadDouble(reader, 3));
        }
    }

    private void Initialize()
    {
        using SqliteConnection connection = OpenConnection();

        // A plain read first: opening a store that a run is writing must not wait for the writer's batch.
        List<string> tables = ListTables(connection, null);
        if (tables.Count == 0)
        {
            // BEGIN IMMEDIATE: two processes creating the same new store serialize here; the second sees the tables.
            using SqliteTransaction transaction = connection.BeginTransaction();
            tables = ListTables(connection, transaction);
            if (tables.Count == 0)
            {
                using SqliteCommand create = connection.CreateCommand();
                create.Transaction = transaction;
                create.CommandText = RunStoreSchema.CreateVersion1 +
                    $"PRAGMA application_id = {RunStoreSchema.ApplicationId};" +
                    "INSERT INTO schema_info (version, created_utc, application) VALUES ($version, $created, 'MLGradientInsight');";
                create.Parameters.AddWithValue("$version", SchemaVersion);
                create.Parameters.AddWithValue("$created", SqliteValues.FormatTime(DateTime.UtcNow));
                create.ExecuteNonQuery();
                transaction.Commit();

                // WAL cannot be switched on inside a transaction; it is persistent, so this runs once per file.
                using SqliteCommand wal = connection.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode = WAL;";
                wal.ExecuteNonQuery();
                return;
            }

            transaction.Commit();
        }

        if (!tables.Contains("schema_info"))
        {
            throw new RunStoreException(
                FilePath,
                $"'{FilePath}' is a SQLite database of another application (it has no schema_info table), not a run store. Pass the path of a store created by mlgi, or a new path to create one.");
        }

        CheckVersion(connection);
        if (!tables.Contains("unit_activity") || !tables.Contains("advisor_actions"))
        {
            // Version-1 stores made before per-unit rows or advisor actions existed: add the tables (idempotent, so a race is harmless).
            using SqliteTransaction transaction = connection.BeginTransaction();
            using SqliteCommand create = connection.CreateCommand();
            create.Transaction = transaction;
            create.CommandText = RunStoreSchema.CreateUnitActivity + RunStoreSchema.CreateAdvisorActions;
            create.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static List<string> ListTables(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand list = connection.CreateCommand();
        list.Transaction = transaction;
        list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using SqliteDataReader reader = list.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private void CheckVersion(SqliteConnection connection)
    {
        using SqliteCommand version = connection.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM schema_info";
        object? found = version.ExecuteScalar();
        if (found is not long number)
        {
            throw new RunStoreException(
                FilePath,
                $"The run store '{FilePath}' has an empty schema_info table, so its schema version is unknown (this version of MLGradientInsight supports version {SchemaVersion}). The file was not written by mlgi or was edited by hand; start a new store file.");
        }

        if (number != SchemaVersion)
        {
            string fix = number > SchemaVersion
                ? "It was written by a newer MLGradientInsight: upgrade MLGradientInsight to read it, or use a new store file with this version."
                : "Its version is unknown: start a new store file.";
            throw new RunStoreException(
                FilePath,
                $"The run store '{FilePath}' has schema version {number}, but this version of MLGradientInsight supports version {SchemaVersion}. {fix}",
                (int)Math.Clamp(number, int.MinValue, int.MaxValue));
        }
    }

    private static string NewRunId(SqliteConnection connection, SqliteTransaction transaction)
    {
        using SqliteCommand exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT COUNT(*) FROM runs WHERE id = $id";
        SqliteParameter id = exists.Parameters.Add("$id", SqliteType.Text);
        while (true)
        {
            string candidate = "r" + RandomNumberGenerator.GetHexString(8, lowercase: true);
            id.Value = candidate;
            if ((long)exists.ExecuteScalar()! == 0)
            {
                return candidate;
            }
        }
    }

    private static string ValidateJson(string? configJson)
    {
        if (string.IsNullOrWhiteSpace(configJson))
        {
            return "{}";
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(configJson);
        }
        catch (JsonException e)
        {
            throw new ArgumentException(
                $"The run configuration is not valid JSON ({e.Message}). Pass a JSON document such as {{\"epochs\": 10}}, or null.",
                nameof(configJson),
                e);
        }

        return configJson;
    }

    private static RunInfo ReadRun(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Status = SqliteValues.ParseStatus(reader.GetString(2)),
        StartedUtc = SqliteValues.ParseTime(reader.GetString(3)),
        EndedUtc = SqliteValues.ReadTime(reader, 4),
        HeartbeatUtc = SqliteValues.ReadTime(reader, 5),
        ConfigJson = reader.GetString(6),
        ModelSummary = reader.GetString(7),
        Message = reader.IsDBNull(8) ? null : reader.GetString(8),
        WriterProcessId = reader.IsDBNull(9) ? null : reader.GetInt32(9),
        WriterHost = reader.IsDBNull(10) ? null : reader.GetString(10),
        StepCount = reader.GetInt64(11),
    };
}
