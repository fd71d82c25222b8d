using System.Reflection;
using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Tests.Store;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.Transforms.Tests.Activity;

[TestClass]
public sealed class ActivityColumnsTest
{
    [TestMethod]
    public void The_map_covers_every_record_property_once_with_its_clr_type()
    {
        PropertyInfo[] properties = typeof(ActivityRecord).GetProperties();
        CollectionAssert.AreEquivalent(properties.Select(p => p.Name).ToArray(), ActivityColumns.All.Select(c => c.Property).ToArray());
        foreach (ActivityColumn column in ActivityColumns.All)
        {
            Type type = typeof(ActivityRecord).GetProperty(column.Property)!.PropertyType;
            Type expected = column.Type switch
            {
                ActivityColumnType.Text => typeof(string),
                ActivityColumnType.Int32 => typeof(int),
                ActivityColumnType.Int64 => typeof(long),
                _ => typeof(double),
            };
            Assert.AreEqual(expected, type, column.Name);
            Assert.AreEqual(column, ActivityColumns.All[column.Index]);
        }
    }

    [TestMethod]
    public void The_store_table_and_the_csv_header_are_the_map_in_map_order()
    {
        using var folder = new TempFolder();
        string path = folder.File("runs.db");
        RunStore.Open(path);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT name, type FROM pragma_table_info('activity') ORDER BY cid";
        var columns = new List<(string, string)>();
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        CollectionAssert.AreEqual(
            ActivityColumns.All.Select(c => (c.StoreName, c.Type switch { ActivityColumnType.Text => "TEXT", ActivityColumnType.Double => "REAL", _ => "INTEGER" })).ToArray(),
            columns.ToArray());

        var csv = new StringWriter();
        TraceCsv.Write(csv, []);
        Assert.AreEqual(string.Join(',', ActivityColumns.All.Select(c => c.Name)) + "\n", csv.ToString());
        CollectionAssert.AreEqual(ActivityColumns.All.Select(c => c.Name).ToArray(), TraceCsv.Columns.ToArray());
    }

    [TestMethod]
    public void The_readme_trace_table_lists_every_column_with_its_required_flag()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int start = readme.IndexOf("### Activity trace: CSV", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, start, "README has an 'Activity trace: CSV' section");
        string section = readme[start..readme.IndexOf("\n### ", start + 5, StringComparison.Ordinal)];
        foreach (ActivityColumn column in ActivityColumns.All)
        {
            string row = section.Split('\n').FirstOrDefault(l => l.StartsWith("| `", StringComparison.Ordinal) && l.Contains($"`{column.Name}`", StringComparison.Ordinal))
                ?? throw new AssertFailedException($"README's trace table has no row for '{column.Name}'.");
            StringAssert.Contains(row, column.RequiredInTrace ? "| yes |" : "| no |", column.Name);
        }
    }

    [TestMethod]
    public void Number_reads_numeric_columns_and_rejects_text_columns()
    {
        var record = new ActivityRecord { Step = 7, Epoch = 2, Layer = "fc1", Activity = 0.5, NonFiniteCount = 3, LearningRate = 0.01 };
        Assert.AreEqual(7.0, ActivityColumns.Number(record, ActivityColumns.Step));
        Assert.AreEqual(3.0, ActivityColumns.Number(record, ActivityColumns.NonFiniteCount));
        Assert.AreEqual(0.01, ActivityColumns.Number(record, ActivityColumns.LearningRate));
        Assert.IsTrue(double.IsNaN(ActivityColumns.Number(record, ActivityColumns.MeanChange)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ActivityColumns.Number(record, ActivityColumns.Layer));
        Assert.AreEqual(ActivityColumns.All[ActivityColumns.MeanChange], ActivityColumns.Find(" MEAN_change "));
        Assert.IsNull(ActivityColumns.Find("nope"));
    }

    internal static string RepositoryRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "MLGradientInsight.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new AssertFailedException("MLGradientInsight.sln not found above " + AppContext.BaseDirectory);
    }
}
