using System.Globalization;
using System.Text.RegularExpressions;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using Microsoft.Data.Sqlite;

namespace MLGradientInsight.Cli.Tests;

/// <summary>Checkpoints rebuild their model for <c>mlgi evaluate</c>; unit detail fills unit_activity; every documented SQL query works on a real store.</summary>
[TestClass]
public sealed partial class EvaluateAndStoreTest
{
    [TestMethod]
    public void Evaluate_RebuildsATanhMlpFromItsMetadata_AndReproducesTheTestAccuracy()
    {
        string path = CliRunner.TempPath(".safetensors");
        try
        {
            CliResult train = CliRunner.Run("train", "--dataset", "blobs", "--model", "mlp:2,16,3", "--activation", "tanh", "--limit", "400", "--epochs", "2", "--save", path);
            Assert.AreEqual(0, train.ExitCode, train.Output);
            IReadOnlyDictionary<string, string> metadata = SafeTensors.Load(path).Metadata;
            Assert.AreEqual("mlp:2,16,3:tanh", metadata["model"]);
            Assert.AreEqual("tanh", metadata["activation"]);
            Assert.AreEqual("2", metadata["input_shape"]);

            CliResult evaluate = CliRunner.Run("evaluate", path, "--limit", "400");
            Assert.AreEqual(0, evaluate.ExitCode, evaluate.Output);
            Assert.AreEqual(Accuracy(train.Out), Accuracy(evaluate.Out), "same weights, same held-out split:\n" + train.Out + evaluate.Out);

            CliResult wrong = CliRunner.Run("evaluate", path, "--dataset", "curve");
            Assert.AreEqual(1, wrong.ExitCode, wrong.Output);
            StringAssert.Contains(wrong.Err, "does not fit --dataset curve");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ActivityDetailUnit_FillsUnitActivity()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            CliResult r = CliRunner.Run("train", "--dataset", "curve", "--limit", "300", "--epochs", "1", "--batch", "10", "--track", "--store", store, "--activity-detail", "unit");
            Assert.AreEqual(0, r.ExitCode, r.Output);
            RunStore s = RunStore.Open(store);
            string id = s.ListRuns().Single().Id;
            UnitActivityRecord[] fc1 = [.. s.ReadUnitActivity(id, "fc1")];
            // 240 samples / 10 = 24 steps; activity from step 12: 13 steps × 15 units of fc1.
            Assert.HasCount(13 * 15, fc1);
            Assert.IsTrue(fc1.Any(u => double.IsFinite(u.Activity) && u.Activity > 0));
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }

    [TestMethod]
    public void EveryDocumentedQuery_RunsOnARealStore_AndNoColumnIsAllNull_AndEveryTableIsDocumented()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            string checkpoints = CliRunner.TempPath("");
            CliResult r = CliRunner.Run("train", "--dataset", "curve", "--limit", "300", "--epochs", "2", "--batch", "10", "--track", "--store", store, "--activity-detail", "unit", "--activity-layers", "fc1,fc2,fc3,fc4",
                "--checkpoint-every", "10", "--checkpoint-dir", checkpoints);
            Assert.AreEqual(0, r.ExitCode, r.Output);

            // A classification run too: the curve run is a regression and has no accuracy (NULL, not 0), which the
            // documented accuracy query must find somewhere.
            CliResult blobs = CliRunner.Run("train", "--dataset", "blobs", "--limit", "200", "--epochs", "1", "--batch", "10", "--track", "--store", store, "--threads", "1");
            Assert.AreEqual(0, blobs.ExitCode, blobs.Output);

            // The analysis tables (docs/store-schema.md, "Analyses") exist once an analysis has been saved.
            string[] kept = Directory.GetFiles(checkpoints, "step-*.safetensors").Order(StringComparer.Ordinal).ToArray();
            CliResult robustness = CliRunner.Run("robustness", kept[0], kept[^1], "--samples", "60", "--threads", "1", "--store", store);
            Assert.AreEqual(0, robustness.ExitCode, robustness.Output);
            using (RunWriter w = RunStore.Open(store).StartRun("died"))
            {
                w.WriteStep(1, 1, 0.5, 0.01, 1);
            }

            string id = RunStore.Open(store).ListRuns().First(x => x.Name != "died").Id;
            string root = FindRepositoryRoot();
            var queries = new List<(string Source, string Sql)>();
            foreach (string doc in new[] { "docs/store-schema.md", "README.md" })
            {
                foreach (Match m in SqlBlock().Matches(File.ReadAllText(Path.Combine(root, doc))))
                {
                    queries.Add((doc, m.Groups[1].Value.Replace("r3f9a01c2", id, StringComparison.Ordinal)));
                }
            }

            Assert.IsGreaterThanOrEqualTo(8, queries.Count, "the documents' queries were found");
            using var connection = new SqliteConnection($"Data Source={store};Mode=ReadOnly");
            connection.Open();
            AssertEveryTableIsDocumented(connection, File.ReadAllText(Path.Combine(root, "docs/store-schema.md")));
            foreach ((string source, string sql) in queries)
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = sql;
                using SqliteDataReader reader = command.ExecuteReader();
                var nonNull = new bool[reader.FieldCount];
                int rows = 0;
                while (reader.Read())
                {
                    rows++;
                    for (int i = 0; i < reader.FieldCount; i++)
                    {
                        nonNull[i] |= !reader.IsDBNull(i);
                    }
                }

                // Queries that select rare events (non-finite values, critical layers, circling windows) must run
                // against the real schema but may legitimately find nothing in this short run.
                bool mayBeEmpty = sql.Contains("non_finite_count > 0", StringComparison.Ordinal)
                    || sql.Contains("verdict = 'critical'", StringComparison.Ordinal)
                    || sql.Contains("trajectory_windows", StringComparison.Ordinal);
                Assert.IsTrue(rows > 0 || mayBeEmpty, $"{source}: no rows from\n{sql}");
                for (int i = 0; i < nonNull.Length && rows > 0; i++)
                {
                    Assert.IsTrue(nonNull[i], $"{source}: column '{reader.GetName(i)}' is NULL in every row of\n{sql}");
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            CliRunner.DeleteStore(store);
        }
    }

    /// <summary>
    /// docs/store-schema.md lists, for every table of a real store, exactly the columns SQLite reports: the per-table
    /// sections ("### `name`" followed by a column table) and the compact table of the analysis tables (key and
    /// columns cells). Text in parentheses is explanation (value lists), not column names.
    /// </summary>
    private static void AssertEveryTableIsDocumented(SqliteConnection connection, string doc)
    {
        Dictionary<string, SortedSet<string>> documented = DocumentedColumns(doc);
        var tables = new List<string>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.IsGreaterThanOrEqualTo(10, tables.Count, "the store holds the run and analysis tables: " + string.Join(", ", tables));
        foreach (string table in tables)
        {
            Assert.IsTrue(documented.TryGetValue(table, out SortedSet<string>? columns), $"table '{table}' is not documented in docs/store-schema.md");
            var actual = new SortedSet<string>(StringComparer.Ordinal);
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                actual.Add(reader.GetString(0));
            }

            Assert.AreEqual(string.Join(", ", actual), string.Join(", ", columns), $"docs/store-schema.md's columns of '{table}'");
        }
    }

    private static Dictionary<string, SortedSet<string>> DocumentedColumns(string doc)
    {
        var result = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        string? section = null;
        bool analyses = false;
        foreach (string line in doc.Split('\n'))
        {
            Match heading = Regex.Match(line, "^### `([a-z_]+)`");
            if (heading.Success)
            {
                section = heading.Groups[1].Value;
                result[section] = new SortedSet<string>(StringComparer.Ordinal);
                continue;
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = null;
                analyses = line.StartsWith("## Analyses", StringComparison.Ordinal);
                continue;
            }

            if (!line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            string[] cells = line.Split('|');
            if (section is not null)
            {
                // "| `step`, `epoch` | INTEGER | ..." documents both columns.
                result[section].UnionWith(Names(cells[1]));
            }
            else if (analyses && cells.Length >= 5)
            {
                // "| `table` | key | columns |": a key in parentheses lists its columns; elsewhere parentheses, and text
                // after a semicolon, explain values.
                string table = Names(cells[1]).Single();
                string key = cells[2].Trim();
                var columns = new SortedSet<string>(key.StartsWith('(') ? Names(key) : Names(WithoutParentheses(key)), StringComparer.Ordinal);
                columns.UnionWith(Names(WithoutParentheses(cells[3].Split(';')[0])));
                result[table] = columns;
            }
        }

        return result;

        static IEnumerable<string> Names(string cell) => Regex.Matches(cell, "`([a-z_0-9]+)`").Select(m => m.Groups[1].Value);

        static string WithoutParentheses(string cell) => Regex.Replace(cell, "\\([^()]*\\)", string.Empty);
    }

    private static double Accuracy(string output)
    {
        Match m = Regex.Match(output, "test accuracy ([0-9.]+)");
        Assert.IsTrue(m.Success, output);
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "MLGradientInsight.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("MLGradientInsight.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("```sql\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
