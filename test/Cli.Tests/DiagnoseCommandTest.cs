using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MLGradientInsight.Cli.Tests;

[TestClass]
public sealed class DiagnoseCommandTest
{
    [TestMethod]
    public void Json_FollowsTheDocumentedSchema()
    {
        string csv = CliRunner.TempPath(".csv");
        try
        {
            var b = new StringBuilder("run,step,layer,activity,loss\n");
            var random = new Random(1);
            foreach (string run in new[] { "a", "b" })
            {
                for (int step = 12; step < 400; step++)
                {
                    double loss = 2.3 * Math.Exp(-step / 200.0);
                    foreach (string layer in new[] { "network", "fc1", "fc2" })
                    {
                        b.Append(CultureInfo.InvariantCulture, $"{run},{step},{layer},{0.7 + (0.2 * random.NextDouble())},{loss}\n");
                    }
                }
            }

            File.WriteAllText(csv, b.ToString());
            (int code, string output) = CliRunner.Run("diagnose", csv, "--json");
            Assert.AreEqual(0, code, output);
            using JsonDocument doc = JsonDocument.Parse(output);
            JsonElement runs = doc.RootElement.GetProperty("runs");
            Assert.AreEqual(2, runs.GetArrayLength());
            JsonElement first = runs[0];
            Assert.AreEqual("a", first.GetProperty("run").GetString());
            Assert.AreEqual(388, first.GetProperty("steps").GetInt64());
            JsonElement top = first.GetProperty("actions")[0];
            Assert.IsFalse(string.IsNullOrEmpty(top.GetProperty("action").GetString()));
            Assert.IsTrue(top.GetProperty("score").GetDouble() is >= 0 and <= 1);
            Assert.IsFalse(string.IsNullOrEmpty(top.GetProperty("evidence").GetString()));
            JsonValueKind alarm = first.GetProperty("first_alarm_step").ValueKind;
            Assert.IsTrue(alarm is JsonValueKind.Null or JsonValueKind.Number);
            JsonElement window = first.GetProperty("windows")[0];
            Assert.AreEqual("network", window.GetProperty("layer").GetString());
            Assert.AreEqual(12, window.GetProperty("start_step").GetInt64());
            Assert.IsGreaterThan(window.GetProperty("start_step").GetInt64(), window.GetProperty("end_step").GetInt64());
            string shape = window.GetProperty("shape").GetString()!;
            CollectionAssert.Contains(new[] { "uniform", "chaotic", "rising", "decaying" }, shape);
            Assert.AreEqual(1, window.GetProperty("probabilities").EnumerateObject().Sum(p => p.Value.GetDouble()), 1e-3);
            Assert.AreEqual(2, first.GetProperty("layers").GetArrayLength());
            Assert.AreEqual("fc1", first.GetProperty("layers")[0].GetProperty("layer").GetString());
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [TestMethod]
    public void AlarmThreshold_DecidesWhenTheModelRaisesAnAlarm()
    {
        string csv = CliRunner.TempPath(".csv");
        try
        {
            // A loss that grows 14-fold over 388 steps: the shipped threshold raises an alarm, a threshold of 1 never does.
            var b = new StringBuilder("run,step,layer,activity,loss\n");
            var random = new Random(1);
            for (int step = 12; step < 400; step++)
            {
                foreach (string layer in new[] { "network", "fc1", "fc2" })
                {
                    b.Append(CultureInfo.InvariantCulture, $"a,{step},{layer},{0.3 + (0.6 * random.NextDouble())},{2.3 * Math.Exp(step / 150.0)}\n");
                }
            }

            File.WriteAllText(csv, b.ToString());
            (string Action, JsonValueKind Alarm) Diagnose(params string[] extra)
            {
                (int code, string output) = CliRunner.Run(["diagnose", csv, "--json", .. extra]);
                Assert.AreEqual(0, code, output);
                using JsonDocument doc = JsonDocument.Parse(output);
                JsonElement run = doc.RootElement.GetProperty("runs")[0];
                return (run.GetProperty("actions")[0].GetProperty("action").GetString()!, run.GetProperty("first_alarm_step").ValueKind);
            }

            (string action, JsonValueKind alarm) = Diagnose();
            Assert.AreNotEqual("continue", action);
            Assert.AreEqual(JsonValueKind.Number, alarm);
            Assert.AreEqual(("continue", JsonValueKind.Null), Diagnose("--alarm-threshold", "1"));

            (int bad, string message) = CliRunner.Run("diagnose", csv, "--alarm-threshold", "2");
            Assert.AreEqual(1, bad, message);
            StringAssert.Contains(message, "--alarm-threshold 2 is out of range");
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [TestMethod]
    public void BadFile_FailsNamingTheFileAndLine()
    {
        string csv = CliRunner.TempPath(".csv");
        try
        {
            File.WriteAllText(csv, "step,layer,activity\n1,network,0.5\n2,network,abc\n");
            (int code, string output) = CliRunner.Run("diagnose", csv);
            Assert.AreEqual(2, code, output);
            StringAssert.Contains(output, Path.GetFileName(csv));
            StringAssert.Contains(output, "line 3");
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [TestMethod]
    public void MissingFile_FailsWithHowToFix()
    {
        (int code, string output) = CliRunner.Run("diagnose", "no-such-trace.csv");
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(output, "no-such-trace.csv");
    }

    [TestMethod]
    public void A_run_store_given_as_the_trace_says_how_to_pass_a_run()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            Assert.AreEqual(0, CliRunner.Run("train", "--dataset", "curve", "--limit", "100", "--epochs", "1", "--track", "--store", store, "--threads", "1").ExitCode);
            (int code, string output) = CliRunner.Run("diagnose", store);
            Assert.AreEqual(1, code, output);
            StringAssert.Contains(output, "is a run store, not a trace file");
            StringAssert.Contains(output, $"--store {store}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            CliRunner.DeleteStore(store);
        }
    }
}
