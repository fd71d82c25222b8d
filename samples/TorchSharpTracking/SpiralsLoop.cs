using MLGradientInsight.Trainers.Torch.Tracking;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Samples.TorchSharpTracking;

/// <summary>A plain TorchSharp training loop (two spirals, an MLP, Adam) whose gradient activity is recorded in a run store.</summary>
internal static class SpiralsLoop
{
    /// <summary>Trains and records one run; returns its id.</summary>
    public static string Run(string storePath, int epochs = 20, int batchSize = 32)
    {
        torch.manual_seed(1);
        using var model = nn.Sequential(
            ("fc1", nn.Linear(2, 64)), ("relu1", nn.ReLU()),
            ("fc2", nn.Linear(64, 64)), ("relu2", nn.ReLU()),
            ("fc3", nn.Linear(64, 2)));
        using var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        (Tensor x, Tensor y) = TwoSpirals(1024);

        RunStore store = RunStore.Open(storePath);
        using RunWriter run = store.StartRun("torchsharp spirals");
        using (var tracking = TorchActivityTracker.Attach(model, run, optimizer, new GradientActivityOptions { WarmupSteps = 10 }))
        {
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                tracking.Epoch = epoch;
                using Tensor order = randperm(x.shape[0]);
                for (long start = 0; start < x.shape[0]; start += batchSize)
                {
                    using var scope = NewDisposeScope();
                    Tensor index = order.narrow(0, start, Math.Min(batchSize, x.shape[0] - start));
                    optimizer.zero_grad();
                    Tensor loss = nn.functional.cross_entropy(model.call(x.index_select(0, index)), y.index_select(0, index));
                    loss.backward();
                    tracking.Observe(loss.item<float>());   // after backward(), before step(); the learning rate comes from the optimizer
                    optimizer.step();
                }
            }
        }

        run.Complete();
        x.Dispose();
        y.Dispose();
        return run.RunId;
    }

    /// <summary>Two interleaved spirals, (N, 2) points and (N) labels 0/1.</summary>
    private static (Tensor X, Tensor Y) TwoSpirals(int count)
    {
        using var scope = NewDisposeScope();
        Tensor t = linspace(0.5, 3 * Math.PI, count / 2);
        Tensor a = stack([t * cos(t), t * sin(t)], 1);
        Tensor points = cat([a, -a], 0) / (3 * Math.PI);
        Tensor labels = cat([zeros(count / 2, ScalarType.Int64), ones(count / 2, ScalarType.Int64)]);
        return (points.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
