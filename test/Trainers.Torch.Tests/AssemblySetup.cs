using TorchSharp;

namespace MLGradientInsight.Trainers.Torch.Tests;

/// <summary>One libtorch start-up for the whole assembly; one intra-op thread, so a loaded machine does not stall libtorch's steps.</summary>
[TestClass]
public static class AssemblySetup
{
    [AssemblyInitialize]
    public static void Initialize(TestContext context)
    {
        _ = context;
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
    }
}
