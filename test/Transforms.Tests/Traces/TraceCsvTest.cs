using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Tests.Store;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.Transforms.Tests.Traces;

[TestClass]
public sealed class TraceCsvTest
{
    private const string Source = "trace.csv";

    private static IReadOnlyList<ActivityRecord> Parse(string csv) => TraceCsv.Read(new StringReader(csv), Source);

    private static string Format(IEnumerable<ActivityRecord> records)
    {
        var writer = new StringWriter();
        TraceCsv.Write(writer, records);
        return writer.ToString();
    }

    [TestMethod]
    public void Write_then_Read_is_exact_for_awkward_values_and_names()
    {
        IReadOnlyList<ActivityRecord> records = AwkwardRecords.Fixed("run, \"quoted\"");

        string csv = Format(records);

        RecordAssert.AreIdentical(records, Parse(csv));
        Assert.AreEqual(csv, Format(Parse(csv)), "Writing what was read must give the same text.");
    }

    [TestMethod]
    public void Write_uses_the_documented_header_and_invariant_round_trip_numbers()
    {
        string csv = Format([new ActivityRecord { Run = "a,b", Step = 3, Epoch = 1, Layer = "fc1", Activity = 0.1, Loss = double.NegativeInfinity, LearningRate = 1e-45 }]);

        string[] lines = csv.Split('\n');
        Assert.AreEqual("run,step,epoch,layer,activity,mean_change,excluded_fraction,non_finite_count,grad_norm,weight_norm,update_norm,loss,learning_rate", lines[0]);
        Assert.AreEqual("\"a,b\",3,1,fc1,0.1,NaN,NaN,0,NaN,NaN,NaN,-Infinity,1E-45", lines[1]);
        Assert.AreEqual("", lines[2], "Each row ends with LF.");
    }

    [TestMethod]
    public void Write_then_Read_round_trips_random_records_exactly()
    {
        var random = new Random(20261122);
        for (int iteration = 0; iteration < 300; iteration++)
        {
            List<ActivityRecord> records = AwkwardRecords.Random(random, withRunNames: iteration % 3 != 0);

            string csv = Format(records);

            RecordAssert.AreIdentical(records, Parse(csv));
        }
    }

    [TestMethod]
    public void Read_accepts_columns_in_any_order_ignores_unknown_ones_and_treats_empty_optional_cells_as_missing()
    {
        const string csv = " Activity ,extra,LAYER,step,loss,epoch,non_finite_count\r\n0.5,whatever,fc1,7,,,\r\n0.25,x,network,7,1.5,2,3\r\n";

        IReadOnlyList<ActivityRecord> records = Parse(csv);

        Assert.HasCount(2, records);
        Assert.AreEqual(new ActivityRecord { Step = 7, Layer = "fc1", Activity = 0.5 }, records[0]);
        Assert.AreEqual(new ActivityRecord { Step = 7, Epoch = 2, Layer = "network", Activity = 0.25, Loss = 1.5, NonFiniteCount = 3 }, records[1]);
    }

    [TestMethod]
    [DataRow("NaN", double.NaN)]
    [DataRow("nan", double.NaN)]
    [DataRow("Infinity", double.PositiveInfinity)]
    [DataRow("inf", double.PositiveInfinity)]
    [DataRow("+inf", double.PositiveInfinity)]
    [DataRow("-Infinity", double.NegativeInfinity)]
    [DataRow("-inf", double.NegativeInfinity)]
    [DataRow("1E-45", 1e-45)]
    [DataRow("1e24", 1e24)]
    [DataRow(" 0.25 ", 0.25)]
    [DataRow("-0", -0.0)]
    public void Read_accepts_invariant_numbers_and_special_values(string cell, double expected)
    {
        IReadOnlyList<ActivityRecord> records = Parse($"step,layer,activity\n1,fc1,{cell}\n");

        RecordAssert.AreIdentical(expected, records[0].Activity, cell);
    }

    [TestMethod]
    public void Read_allows_the_same_step_and_layer_in_different_runs()
    {
        IReadOnlyList<ActivityRecord> records = Parse("run,step,layer,activity\na,1,fc1,0.5\nb,1,fc1,0.25\n");

        Assert.HasCount(2, records);
        Assert.AreEqual("b", records[1].Run);
    }

    [TestMethod]
    [DataRow("", 1, 0, "empty", DisplayName = "empty file")]
    [DataRow("step,layer\n1,fc1\n", 1, 0, "no 'activity' column", DisplayName = "missing required column")]
    [DataRow("layer,activity\nfc1,1\n", 1, 0, "no 'step' column", DisplayName = "missing step column")]
    [DataRow("step;layer;activity\n1;fc1;0,5\n", 1, 0, "seems to use ';'", DisplayName = "semicolon separators")]
    [DataRow("step\tlayer\tactivity\n1\tfc1\t0.5\n", 1, 0, "seems to use tabs", DisplayName = "tab separators")]
    [DataRow("step,layer,activity,Step\n1,fc1,1,1\n", 1, 4, "twice", DisplayName = "duplicate header column")]
    [DataRow("step,layer,activity\n1,fc1,abc\n", 2, 3, "'abc' is not a number", DisplayName = "non-numeric activity")]
    [DataRow("step,layer,activity\n1,fc1,\"0,5\"\n", 2, 3, "'0,5' is not a number", DisplayName = "decimal comma")]
    [DataRow("step,layer,activity,loss\n1,fc1,1,1e\n", 2, 4, "'1e' is not a number", DisplayName = "truncated exponent")]
    [DataRow("step,layer,activity\n1.5,fc1,1\n", 2, 1, "'1.5' is not a step number", DisplayName = "fractional step")]
    [DataRow("step,layer,activity\n-1,fc1,1\n", 2, 1, "'-1' is not a step number", DisplayName = "negative step")]
    [DataRow("step,layer,activity\n,fc1,1\n", 2, 1, "step cell is empty", DisplayName = "empty step")]
    [DataRow("step,layer,activity\n1,,1\n", 2, 2, "layer cell is empty", DisplayName = "empty layer")]
    [DataRow("step,layer,activity\n1,fc1,\n", 2, 3, "activity cell is empty", DisplayName = "empty activity")]
    [DataRow("step,layer,activity,epoch\n1,fc1,1,x\n", 2, 4, "'x' is not a whole number", DisplayName = "bad epoch")]
    [DataRow("step,layer,activity,non_finite_count\n1,fc1,1,-2\n", 2, 4, "'-2' is not a whole number", DisplayName = "negative count")]
    [DataRow("step,layer,activity,loss\n1,fc1,1\n", 2, 4, "cell for 'loss' is missing", DisplayName = "ragged short row")]
    [DataRow("step,layer,activity\n1,fc1,1,2\n", 2, 4, "has 4 cells but the header has 3", DisplayName = "ragged long row")]
    [DataRow("step,layer,activity\n1,fc1,1\n2,fc1,1\n1,fc1,2\n", 4, 0, "repeats the row on line 2", DisplayName = "duplicate step and layer")]
    [DataRow("run,step,layer,activity\na,1,fc1,1\na,1,fc1,2\n", 3, 0, "run 'a'", DisplayName = "duplicate within a run")]
    [DataRow("step,layer,activity\n1,\"fc1,0.5\n", 2, 2, "not closed", DisplayName = "unclosed quote")]
    [DataRow("step,layer,activity\n1,\"fc\"1,0.5\n", 2, 2, "follows the closing quote", DisplayName = "text after closing quote")]
    [DataRow("step,layer,activity\n1,\"f\nc\",1\n2,fc1,bad\n", 4, 3, "'bad' is not a number", DisplayName = "line count after a multi-line cell")]
    [DataRow("step,layer,activity\r\n\r\n1,fc1,1\r\n\r\n2,fc1,?\r\n", 5, 3, "'?' is not a number", DisplayName = "CRLF and blank lines")]
    public void Read_rejects_bad_input_naming_file_line_and_column(string csv, int line, int column, string fragment)
    {
        TraceFormatException error = Assert.ThrowsExactly<TraceFormatException>(() => Parse(csv));

        Assert.AreEqual(Source, error.FilePath);
        Assert.AreEqual(line, error.Line, error.Message);
        Assert.AreEqual(column, error.Column, error.Message);
        Assert.Contains(fragment, error.Message);
        Assert.StartsWith($"{Source}, line {line}", error.Message);
        if (column > 0)
        {
            Assert.Contains($"column {column}", error.Message);
        }
    }

    [TestMethod]
    public void Read_of_a_file_names_the_file_and_the_column_header()
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.csv");
        File.WriteAllText(path, "step,layer,activity,grad_norm\n1,fc1,0.5,1\n2,fc1,0.5,n/a\n");

        TraceFormatException error = Assert.ThrowsExactly<TraceFormatException>(() => TraceCsv.Read(path));

        Assert.AreEqual(path, error.FilePath);
        Assert.AreEqual("grad_norm", error.ColumnName);
        Assert.StartsWith($"{path}, line 3, column 4 (grad_norm): 'n/a' is not a number", error.Message);
    }

    [TestMethod]
    public void Read_of_a_missing_file_throws_FileNotFoundException_naming_it()
    {
        using var folder = new TempFolder();
        string path = folder.File("absent.csv");

        FileNotFoundException error = Assert.ThrowsExactly<FileNotFoundException>(() => TraceCsv.Read(path));

        Assert.Contains(path, error.Message);
    }

    [TestMethod]
    public void Write_to_a_file_then_Read_round_trips_and_writes_no_byte_order_mark()
    {
        using var folder = new TempFolder();
        string path = folder.File("trace.csv");
        IReadOnlyList<ActivityRecord> records = AwkwardRecords.Fixed("");

        TraceCsv.Write(path, records);

        Assert.AreEqual((byte)'r', File.ReadAllBytes(path)[0]);
        RecordAssert.AreIdentical(records, TraceCsv.Read(path));
    }

    [TestMethod]
    public void Write_rejects_a_record_without_layer()
    {
        ArgumentException error = Assert.ThrowsExactly<ArgumentException>(() => Format([new ActivityRecord { Step = 4, Activity = 1 }]));

        Assert.AreEqual("records", error.ParamName);
        Assert.Contains("step 4", error.Message);
    }
}
