namespace MLGradientInsight.Trainers.Torch.Tests;

[TestClass]
public sealed class TorchRuntimeTests
{
    [TestMethod]
    public void Libtorch_loads_in_the_test_output()
    {
        TorchRuntime.EnsureLoaded();
        using TorchSharp.torch.Tensor t = TorchSharp.torch.arange(4f).sum();
        Assert.AreEqual(6f, t.item<float>());
    }

    [TestMethod]
    public void A_load_failure_is_one_line_without_the_probed_paths()
    {
        var inner = new NotSupportedException("The native library could not be loaded.\n   Trying to load /a/b/libLibTorchSharp.so\n   Failed to load /a/b/libLibTorchSharp.so\n   probing /c/d ...");
        string message = TorchRuntime.Explain(new TypeInitializationException("TorchSharp.torch", inner));

        Assert.DoesNotContain("\n", message);
        Assert.DoesNotContain("probing", message);
        StringAssert.Contains(message, "TorchSharp-cpu");
    }
}
