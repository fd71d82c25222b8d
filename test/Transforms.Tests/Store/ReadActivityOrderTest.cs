using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Transforms.Tests.Store;

/// <summary>
/// <see cref="RunStore.ReadActivity(string, long)"/> walks the primary key and orders each step's rows itself; these tests
/// hold it to the SQL it replaced (<c>ORDER BY step, layer &lt;&gt; 'network', rowid</c>, read through Microsoft.Data.Sqlite).
/// </summary>
[TestClass]
public sealed class ReadActivityOrderTest
{
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(4)]
    public void Rows_written_shuffled_replaced_and_interleaved_with_other_runs_read_back_as_the_sorting_query_gives_them(int seed)
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        var random = new Random(seed);
        List<ActivityRecord> rows = AwkwardRecords.Random(random, withRunNames: false);
        rows.AddRange(rows.Where((_, i) => i % 3 == 0).Select(r => r with { Activity = AwkwardRecords.Value(random), Loss = AwkwardRecords.Value(random) }).ToList());
        rows.Add(new ActivityRecord { Step = rows[0].Step, Layer = "late" + seed, Activity = 1 });
        List<ActivityRecord> shuffled = [.. rows.OrderBy(_ => random.Next())];

        string runId, otherId;
        using (RunWriter writer = store.StartRun("shuffled"), other = store.StartRun("other"))
        {
            runId = writer.RunId;
            otherId = other.RunId;
            foreach (ActivityRecord r in shuffled)
            {
                // One row at a time, flushed, with another run's rows in between: rowids interleave.
                writer.WriteActivity(r);
                writer.Flush();
                other.WriteActivity(r with { Activity = -1 });
                other.Flush();
            }

            writer.Complete();
            other.Complete();
        }

        foreach (long from in new[] { 1L, rows.Min(r => r.Step), rows.Max(r => r.Step), rows.Max(r => r.Step) + 1 })
        {
            RecordAssert.AreIdentical(Reference(store.FilePath, runId, from), store.ReadActivity(runId, from).ToList());
        }

        Assert.IsTrue(store.ReadActivity(otherId).All(r => r.Activity == -1 && r.Run == otherId));

        // Some columns only: the same rows with the others missing (NaN; 0 for the integer columns).
        int[] columns = [ActivityColumns.Loss, ActivityColumns.Activity, ActivityColumns.NonFiniteCount];
        List<ActivityRecord> narrow = [.. Reference(store.FilePath, runId, 1).Select(r => new ActivityRecord
        {
            Run = r.Run, Step = r.Step, Layer = r.Layer, Activity = r.Activity, Loss = r.Loss, NonFiniteCount = r.NonFiniteCount,
            Epoch = 0, MeanChange = double.NaN, ExcludedFraction = double.NaN, GradientNorm = double.NaN, WeightNorm = double.NaN, UpdateNorm = double.NaN, LearningRate = double.NaN,
        })];
        RecordAssert.AreIdentical(narrow, store.ReadActivity(runId, 1, columns).ToList());
    }

    [TestMethod]
    [DataRow(-1)]
    [DataRow(13)]
    public void A_column_index_outside_the_map_is_rejected_with_the_valid_range(int column)
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string runId;
        using (RunWriter writer = store.StartRun("one"))
        {
            runId = writer.RunId;
            writer.WriteActivity(new ActivityRecord { Step = 1, Layer = "fc1", Activity = 1 });
            writer.Complete();
        }

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => store.ReadActivity(runId, 1, [ActivityColumns.Activity, column]));
        Assert.AreEqual("columns", e.ParamName);
        Assert.AreEqual(column, e.ActualValue);
        StringAssert.Contains(e.Message, "0 … 12");
    }

    [TestMethod]
    public void The_run_query_walks_the_primary_key_without_sorting_the_run()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        using var connection = new SqliteConnection($"Data Source={store.FilePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand plan = connection.CreateCommand();
        plan.CommandText = "EXPLAIN QUERY PLAN " + ActivityTable.SelectByRunSql;
        plan.Parameters.AddWithValue("?1", "r00000000");
        plan.Parameters.AddWithValue("?2", 1L);
        var details = new List<string>();
        using (SqliteDataReader reader = plan.ExecuteReader())
        {
            while (reader.Read())
            {
                details.Add(reader.GetString(3));
            }
        }

        string text = string.Join(" | ", details);
        Assert.Contains("sqlite_autoindex_activity_1 (run_id=? AND step>?)", text, text);
        Assert.DoesNotContain("TEMP B-TREE", text, text);
    }

    /// <summary>The rows as the former implementation read them: SQLite sorts, Microsoft.Data.Sqlite reads.</summary>
    private static List<ActivityRecord> Reference(string path, string runId, long from)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT step, epoch, layer, activity, mean_change, excluded_fraction, non_finite_count, grad_norm, weight_norm, update_norm, loss, learning_rate "
            + "FROM activity WHERE run_id = $id AND step >= $from ORDER BY step, layer <> 'network', rowid";
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$from", from);
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<ActivityRecord>();
        while (reader.Read())
        {
            rows.Add(new ActivityRecord
            {
                Run = runId,
                Step = reader.GetInt64(0),
                Epoch = reader.GetInt32(1),
                Layer = reader.GetString(2),
                Activity = Double(reader, 3),
                MeanChange = Double(reader, 4),
                ExcludedFraction = Double(reader, 5),
                NonFiniteCount = reader.GetInt32(6),
                GradientNorm = Double(reader, 7),
                WeightNorm = Double(reader, 8),
                UpdateNorm = Double(reader, 9),
                Loss = Double(reader, 10),
                LearningRate = Double(reader, 11),
            });
        }

        return rows;
    }

    private static double Double(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);
}
