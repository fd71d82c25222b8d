using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Transforms.Tests.Store;

[TestClass]
public sealed class RunStoreTest
{
    private static SqliteConnection Raw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(string path, string sql)
    {
        using SqliteConnection connection = Raw(path);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(string path, string sql)
    {
        using SqliteConnection connection = Raw(path);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [TestMethod]
    public void Open_creates_a_WAL_store_with_the_schema_version_and_reopens_it()
    {
        using var folder = new TempFolder();
        string path = folder.File("sub/runs.db");

        RunStore store = RunStore.Open(path);
        RunStore again = RunStore.Open(path);

        Assert.AreEqual(Path.GetFullPath(path), store.FilePath);
        Assert.AreEqual((long)RunStore.SchemaVersion, Scalar(path, "SELECT version FROM schema_info"));
        Assert.AreEqual("wal", Scalar(path, "PRAGMA journal_mode"));
        Assert.AreEqual(0x4D4C4749L, Scalar(path, "PRAGMA application_id"));
        Assert.IsEmpty(again.ListRuns());
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(99)]
    [DataRow(0)]
    public void Open_rejects_an_unsupported_schema_version_naming_file_versions_and_fix(int version)
    {
        using var folder = new TempFolder();
        string path = folder.File("runs.db");
        RunStore.Open(path);
        Execute(path, $"UPDATE schema_info SET version = {version}");

        RunStoreException error = Assert.ThrowsExactly<RunStoreException>(() => RunStore.Open(path));

        Assert.AreEqual(version, error.FoundVersion);
        Assert.AreEqual(Path.GetFullPath(path), error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains($"schema version {version}", error.Message);
        Assert.Contains($"supports version {RunStore.SchemaVersion}", error.Message);
        Assert.Contains(version > RunStore.SchemaVersion ? "upgrade MLGradientInsight" : "new store file", error.Message);
    }

    [TestMethod]
    [DataRow("step,layer,activity\n1,fc1,0.5\n", DisplayName = "a CSV trace")]
    [DataRow("This is a plain text file that is long enough to hold a SQLite header, but it is not one at all.", DisplayName = "text")]
    public void Open_rejects_a_file_that_is_not_SQLite_naming_it(string content)
    {
        using var folder = new TempFolder();
        string path = folder.File("trace.db");
        File.WriteAllText(path, content);

        RunStoreException error = Assert.ThrowsExactly<RunStoreException>(() => RunStore.Open(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("is not a SQLite database", error.Message);
        Assert.AreEqual(content, File.ReadAllText(path), "The file must be left alone.");
    }

    [TestMethod]
    public void Open_rejects_a_SQLite_database_of_another_application()
    {
        using var folder = new TempFolder();
        string path = folder.File("other.db");
        Execute(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");

        RunStoreException error = Assert.ThrowsExactly<RunStoreException>(() => RunStore.Open(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("another application", error.Message);
        Assert.AreEqual(0L, Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'runs'"), "No tables may be added to a foreign database.");
    }

    [TestMethod]
    public void Open_under_a_path_whose_folder_is_a_file_names_the_store_and_the_folder()
    {
        using var folder = new TempFolder();
        string notAFolder = folder.File("notes.txt");
        File.WriteAllText(notAFolder, "hello");
        string path = Path.Combine(notAFolder, "runs.db");

        RunStoreException error = Assert.ThrowsExactly<RunStoreException>(() => RunStore.Open(path));

        Assert.AreEqual(path, error.FilePath);
        Assert.Contains($"'{notAFolder}' is not a file", error.Message);
    }

    [TestMethod]
    public void Open_rejects_a_folder()
    {
        using var folder = new TempFolder();

        RunStoreException error = Assert.ThrowsExactly<RunStoreException>(() => RunStore.Open(folder.Path));

        Assert.Contains("is a folder", error.Message);
    }

    [TestMethod]
    public void A_completed_run_reads_back_its_steps_activity_epochs_and_metadata_exactly()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        IReadOnlyList<ActivityRecord> activity = AwkwardRecords.Fixed("ignored");
        string runId;
        using (RunWriter writer = store.StartRun("mlp", """{"epochs": 2, "lr": 0.1}""", "fc1 (784→100)"))
        {
            runId = writer.RunId;
            writer.WriteStep(1, 1, 2.5, 0.1, 3.25);
            writer.WriteStep(new StepRecord { Step = 2, Epoch = 1, Loss = double.PositiveInfinity, LearningRate = double.NaN, StepMilliseconds = -0.0 });
            writer.WriteActivity(activity);
            writer.WriteEpoch(new EpochRecord { Epoch = 1, TrainLoss = 0.5, TrainAccuracy = 0.875, ValidationLoss = double.NaN, ValidationAccuracy = double.NegativeInfinity });
            writer.Complete();
        }

        RunInfo run = store.GetRun(runId);
        Assert.MatchesRegex("^r[0-9a-f]{8}$", runId);
        Assert.AreEqual("mlp", run.Name);
        Assert.AreEqual(RunStatus.Completed, run.Status);
        Assert.AreEqual("""{"epochs": 2, "lr": 0.1}""", run.ConfigJson);
        Assert.AreEqual("fc1 (784→100)", run.ModelSummary);
        Assert.AreEqual(Environment.ProcessId, run.WriterProcessId);
        Assert.IsNotNull(run.EndedUtc);
        Assert.IsLessThanOrEqualTo(run.EndedUtc.Value, run.StartedUtc);
        Assert.AreEqual(2L, run.StepCount);

        RecordAssert.AreIdentical(activity.Select(r => AwkwardRecords.AsStored(r) with { Run = runId }).ToList(), store.ReadActivity(runId).ToList());

        IReadOnlyList<StepRecord> steps = store.ReadSteps(runId);
        Assert.HasCount(2, steps);
        Assert.AreEqual(new StepRecord { Run = runId, Step = 1, Epoch = 1, Loss = 2.5, LearningRate = 0.1, StepMilliseconds = 3.25 }, steps[0]);
        RecordAssert.AreIdentical(double.PositiveInfinity, steps[1].Loss, "loss");
        RecordAssert.AreIdentical(double.NaN, steps[1].LearningRate, "learning rate");
        RecordAssert.AreIdentical(0.0, steps[1].StepMilliseconds, "step ms (SQLite stores integral REAL values as integers, so −0 becomes +0)");

        IReadOnlyList<EpochRecord> epochs = store.ReadEpochs(runId);
        Assert.HasCount(1, epochs);
        Assert.AreEqual(new EpochRecord { Run = runId, Epoch = 1, TrainLoss = 0.5, TrainAccuracy = 0.875, ValidationLoss = double.NaN, ValidationAccuracy = double.NegativeInfinity }, epochs[0]);
    }

    [TestMethod]
    public void NaN_is_stored_as_NULL_and_infinities_as_IEEE_infinities()
    {
        using var folder = new TempFolder();
        string path = folder.File("runs.db");
        RunStore store = RunStore.Open(path);
        using (RunWriter writer = store.StartRun("nan"))
        {
            writer.WriteActivity(new ActivityRecord { Step = 1, Layer = "fc1", Activity = double.NaN, GradientNorm = double.PositiveInfinity, WeightNorm = double.NegativeInfinity });
            writer.Complete();
        }

        Assert.AreEqual(1L, Scalar(path, "SELECT COUNT(*) FROM activity WHERE activity IS NULL AND grad_norm = 9e999 AND weight_norm = -9e999"));
    }

    [TestMethod]
    public void ReadActivity_orders_by_step_then_network_row_then_layers_as_written()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string runId;
        using (RunWriter writer = store.StartRun("order"))
        {
            runId = writer.RunId;
            foreach (long step in (long[])[2, 1])
            {
                foreach (string layer in (string[])["fc2", "fc10", ActivityRecord.NetworkLayer, "conv1"])
                {
                    writer.WriteActivity(new ActivityRecord { Step = step, Layer = layer, Activity = step });
                }
            }

            writer.Complete();
        }

        string[] order = store.ReadActivity(runId).Select(r => $"{r.Step}:{r.Layer}").ToArray();

        CollectionAssert.AreEqual(
            new[] { "1:network", "1:fc2", "1:fc10", "1:conv1", "2:network", "2:fc2", "2:fc10", "2:conv1" },
            order);
    }

    [TestMethod]
    public void Writing_the_same_step_and_layer_again_replaces_the_row()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string runId;
        using (RunWriter writer = store.StartRun("replace"))
        {
            runId = writer.RunId;
            writer.WriteActivity(new ActivityRecord { Step = 1, Layer = "fc1", Activity = 1 });
            writer.WriteActivity(new ActivityRecord { Step = 1, Layer = "fc1", Activity = 2 });
            writer.Complete();
        }

        ActivityRecord only = store.ReadActivity(runId).Single();
        Assert.AreEqual(2.0, only.Activity);
    }

    [TestMethod]
    public void Fail_and_Dispose_record_the_final_status()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        RunWriter failed = store.StartRun("fails");
        failed.WriteStep(1, 1, double.NaN, 0.1, 1);
        failed.Fail("Loss became NaN at step 1.");
        failed.Dispose();
        RunWriter abandoned = store.StartRun("abandoned");
        abandoned.WriteStep(1, 1, 1, 0.1, 1);
        abandoned.Dispose();

        RunInfo failedRun = store.GetRun(failed.RunId);
        RunInfo abandonedRun = store.GetRun(abandoned.RunId);

        Assert.AreEqual(RunStatus.Failed, failedRun.Status);
        Assert.AreEqual("Loss became NaN at step 1.", failedRun.Message);
        Assert.AreEqual(RunStatus.Interrupted, abandonedRun.Status);
        Assert.AreEqual(1L, abandonedRun.StepCount, "Dispose flushes what was queued.");
    }

    [TestMethod]
    public async Task DisposeAsync_flushes_and_marks_an_unfinished_run_interrupted()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string runId;
        await using (RunWriter writer = store.StartRun("async"))
        {
            runId = writer.RunId;
            writer.WriteStep(5, 1, 1, 0.1, 1);
        }

        Assert.AreEqual(RunStatus.Interrupted, store.GetRun(runId).Status);
        Assert.AreEqual(5L, store.ReadSteps(runId).Single().Step);
    }

    [TestMethod]
    public void Writing_after_Complete_throws_saying_what_to_do()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        using RunWriter writer = store.StartRun("done");
        writer.Complete();

        InvalidOperationException error = Assert.ThrowsExactly<InvalidOperationException>(() => writer.WriteStep(1, 1, 1, 1, 1));

        Assert.Contains("StartRun", error.Message);
        writer.Complete();
    }

    [TestMethod]
    public void StartRun_rejects_invalid_configuration_JSON()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));

        ArgumentException error = Assert.ThrowsExactly<ArgumentException>(() => store.StartRun("bad", "{epochs: }"));

        Assert.AreEqual("configJson", error.ParamName);
        Assert.IsEmpty(store.ListRuns());
    }

    [TestMethod]
    public void StartRun_without_a_name_names_the_run_after_its_id_and_stores_empty_JSON()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        using RunWriter writer = store.StartRun(null);
        writer.Complete();

        RunInfo run = store.GetRun(writer.RunId);

        Assert.AreEqual(writer.RunId, run.Name);
        Assert.AreEqual("{}", run.ConfigJson);
    }

    [TestMethod]
    public void GetRun_of_an_unknown_id_says_how_to_list_the_ids()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));

        ArgumentException error = Assert.ThrowsExactly<ArgumentException>(() => store.GetRun("r00000000"));
        ArgumentException fromRead = Assert.ThrowsExactly<ArgumentException>(() => store.ReadActivity("nope"));

        Assert.AreEqual("runId", error.ParamName);
        Assert.Contains("'r00000000'", error.Message);
        Assert.Contains("mlgi runs", error.Message);
        Assert.Contains(store.FilePath, error.Message);
        Assert.Contains("'nope'", fromRead.Message);
        Assert.IsFalse(store.TryGetRun("r00000000", out _));
    }

    [TestMethod]
    public void ListRuns_lists_every_run_with_status_and_step_count()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        using RunWriter first = store.StartRun("first");
        for (int step = 1; step <= 3; step++)
        {
            first.WriteStep(step, 1, 1, 0.1, 1);
        }

        first.Complete();
        using RunWriter second = store.StartRun("second");
        second.WriteActivity([new ActivityRecord { Step = 1, Layer = "network" }, new ActivityRecord { Step = 1, Layer = "fc1" }, new ActivityRecord { Step = 2, Layer = "fc1" }]);
        second.Flush();

        IReadOnlyList<RunInfo> runs = store.ListRuns();

        Assert.HasCount(2, runs);
        Assert.AreEqual(("first", RunStatus.Completed, 3L), (runs[0].Name, runs[0].Status, runs[0].StepCount));
        Assert.AreEqual(("second", RunStatus.Running, 2L), (runs[1].Name, runs[1].Status, runs[1].StepCount), "Without step rows the distinct activity steps count.");
        Assert.IsNull(runs[1].EndedUtc);
        Assert.IsNotNull(runs[1].HeartbeatUtc, "A committed batch updates the heartbeat.");
        second.Complete();
    }

    [TestMethod]
    public void A_reader_opens_and_reads_committed_rows_while_a_write_transaction_is_open()
    {
        using var folder = new TempFolder();
        string path = folder.File("runs.db");
        RunStore store = RunStore.Open(path);
        using RunWriter writer = store.StartRun("live");
        writer.WriteStep(1, 1, 1, 0.1, 1);
        writer.Flush();

        // A writer in the middle of a batch: an open write transaction with an uncommitted row.
        using SqliteConnection busy = Raw(path);
        using SqliteTransaction batch = busy.BeginTransaction();
        using (SqliteCommand insert = busy.CreateCommand())
        {
            insert.Transaction = batch;
            insert.CommandText = $"INSERT INTO steps (run_id, step, epoch) VALUES ('{writer.RunId}', 2, 1)";
            insert.ExecuteNonQuery();
        }

        RunStore reader = RunStore.Open(path);
        IReadOnlyList<StepRecord> seen = reader.ReadSteps(writer.RunId);
        RunInfo run = reader.GetRun(writer.RunId);
        batch.Rollback();

        Assert.AreEqual(1L, seen.Single().Step, "The reader sees the committed step and not the open batch.");
        Assert.AreEqual(RunStatus.Running, run.Status, "A run whose writer is alive stays running when the store is opened.");
        writer.WriteStep(3, 1, 1, 0.1, 1);
        writer.Complete();
        CollectionAssert.AreEqual(new[] { 1L, 3L }, reader.ReadSteps(writer.RunId).Select(s => s.Step).ToArray());
    }

    [TestMethod]
    public void A_full_queue_blocks_the_producer_and_loses_nothing()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        var batches = new List<CommittedBatch>();
        var options = new RunWriterOptions { QueueCapacity = 4, MaxBatchRows = 3, CommitInterval = TimeSpan.Zero, BatchCommitted = b => { lock (batches) { batches.Add(b); } } };
        using RunWriter writer = store.StartRun("tiny queue", options: options);
        for (int step = 1; step <= 500; step++)
        {
            writer.WriteStep(step, 1, step, 0.1, 1);
        }

        writer.Complete();

        IReadOnlyList<StepRecord> steps = store.ReadSteps(writer.RunId);
        CollectionAssert.AreEqual(Enumerable.Range(1, 500).Select(s => (long)s).ToArray(), steps.Select(s => s.Step).ToArray());
        Assert.AreEqual(500L, writer.CommittedRows);
        Assert.IsGreaterThanOrEqualTo(167, batches.Count, "Batches hold at most MaxBatchRows rows.");
        Assert.IsTrue(batches.All(b => b.Rows <= 3));
        Assert.AreEqual(500L, batches[^1].TotalRows);
        Assert.AreEqual(500L, batches[^1].LastStep);
    }

    [TestMethod]
    public void Writes_from_several_threads_all_arrive()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        using RunWriter writer = store.StartRun("threads", options: new RunWriterOptions { QueueCapacity = 16 });

        Parallel.For(0, 4, thread =>
        {
            for (int step = 1; step <= 100; step++)
            {
                writer.WriteActivity(new ActivityRecord { Step = step, Layer = $"fc{thread}", Activity = thread });
            }
        });
        writer.Complete();

        List<ActivityRecord> rows = store.ReadActivity(writer.RunId).ToList();
        Assert.HasCount(400, rows);
        Assert.IsTrue(rows.All(r => r.Layer == $"fc{(int)r.Activity}"));
    }

    [TestMethod]
    public void Open_marks_a_running_run_interrupted_when_its_writer_process_is_gone()
    {
        using var folder = new TempFolder();
        string path = folder.File("runs.db");
        RunStore store = RunStore.Open(path);
        RunWriter writer = store.StartRun("orphan");
        writer.WriteStep(1, 1, 1, 0.1, 1);
        writer.Flush();

        // Same pid, another start token: the id now belongs to another process (pid reuse), so the writer is gone.
        string token = (string)Scalar(path, $"SELECT writer_start FROM runs WHERE id = '{writer.RunId}'")!;
        Assert.IsFalse(string.IsNullOrEmpty(token));
        Assert.AreEqual(RunStatus.Running, RunStore.Open(path).GetRun(writer.RunId).Status, "With the true token the writer is alive.");
        Execute(path, $"UPDATE runs SET writer_start = '{token}0' WHERE id = '{writer.RunId}'");
        RunInfo reopened = RunStore.Open(path).GetRun(writer.RunId);

        Assert.AreEqual(RunStatus.Interrupted, reopened.Status);
        Assert.Contains("ended without completing", reopened.Message!);
        Assert.AreEqual(reopened.HeartbeatUtc, reopened.EndedUtc, "The end time is the last heartbeat.");
        writer.Complete();
    }

    [TestMethod]
    public void A_failure_on_the_writer_thread_surfaces_on_the_next_write_and_on_Complete()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        var options = new RunWriterOptions { BatchCommitted = _ => throw new IOException("disk full (simulated)") };
        RunWriter writer = store.StartRun("faulty", options: options);
        writer.WriteStep(1, 1, 1, 0.1, 1);

        InvalidOperationException flush = Assert.ThrowsExactly<InvalidOperationException>(writer.Flush);
        InvalidOperationException write = Assert.ThrowsExactly<InvalidOperationException>(() => writer.WriteStep(2, 1, 1, 0.1, 1));
        InvalidOperationException complete = Assert.ThrowsExactly<InvalidOperationException>(writer.Complete);
        writer.Dispose();

        Assert.Contains("disk full (simulated)", write.Message);
        Assert.Contains(writer.RunId, complete.Message);
        Assert.IsInstanceOfType<IOException>(complete.InnerException);
        Assert.IsNotNull(flush);
        RunInfo run = store.GetRun(writer.RunId);
        Assert.AreEqual(RunStatus.Failed, run.Status);
        Assert.Contains("disk full (simulated)", run.Message!);
    }

    [TestMethod]
    public void FindRun_accepts_a_full_id_a_unique_prefix_or_a_unique_name()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string[] ids = new string[3];
        for (int i = 0; i < ids.Length; i++)
        {
            using RunWriter writer = store.StartRun(i == 2 ? "twin" : i == 1 ? "twin" : "baseline");
            ids[i] = writer.RunId;
            writer.Complete();
        }

        string unique = Enumerable.Range(2, 7).Select(n => ids[0][..n]).First(p => !ids[1].StartsWith(p, StringComparison.Ordinal) && !ids[2].StartsWith(p, StringComparison.Ordinal));

        Assert.AreEqual(ids[1], store.FindRun(ids[1]).Id);
        Assert.AreEqual(ids[0], store.FindRun(unique).Id);
        Assert.AreEqual(ids[0], store.FindRun(unique.ToUpperInvariant()).Id);
        Assert.AreEqual(ids[0], store.FindRun("baseline").Id);
        ArgumentException ambiguous = Assert.ThrowsExactly<ArgumentException>(() => store.FindRun("twin"));
        Assert.Contains("matches 2 runs", ambiguous.Message);
        Assert.Contains(ids[1], ambiguous.Message);
        Assert.Contains(ids[2], ambiguous.Message);
        ArgumentException none = Assert.ThrowsExactly<ArgumentException>(() => store.FindRun("nothing-like-it"));
        Assert.AreEqual("idPrefixOrName", none.ParamName);
        Assert.Contains("mlgi runs", none.Message);
    }
}
