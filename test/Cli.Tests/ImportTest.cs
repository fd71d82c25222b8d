namespace MLGradientInsight.Cli.Tests;

/// <summary>Class: importing a trace whose run name is already in the store is refused; --name imports it under another name.</summary>
[TestClass]
public sealed class ImportTest
{
    [TestMethod]
    public void DuplicateImport_IsRefused_AndNameImportsUnderAnotherName()
    {
        string store = CliRunner.TempPath(".db"), csv = CliRunner.TempPath(".csv");
        File.WriteAllText(csv, "run,step,layer,activity\nexp1,1,network,0.5\nexp1,2,network,0.25\n");
        try
        {
            Assert.AreEqual(0, CliRunner.Run("import", csv, "--store", store).ExitCode);
            CliResult again = CliRunner.Run("import", csv, "--store", store);
            Assert.AreEqual(1, again.ExitCode, again.Output);
            StringAssert.Contains(again.Err, "already has a run named 'exp1'");
            StringAssert.Contains(again.Err, "--name");
            Assert.HasCount(1, Transforms.Store.RunStore.Open(store).ListRuns(), "nothing was imported the second time");

            CliResult renamed = CliRunner.Run("import", csv, "--store", store, "--name", "exp1-copy");
            Assert.AreEqual(0, renamed.ExitCode, renamed.Output);
            StringAssert.Contains(renamed.Out, "(exp1-copy, 2 steps)");
            Assert.AreEqual(0, CliRunner.Run("export", "exp1", "--csv", "-", "--store", store).ExitCode, "the name stays unambiguous");
        }
        finally
        {
            CliRunner.DeleteStore(store);
            File.Delete(csv);
        }
    }
}
