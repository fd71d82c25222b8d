using System.Text.Json;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>The fixture model fc1 = Linear(4, 3) → Tanh → fc2 = Linear(3, 2) with cross-entropy on a fixed batch.</summary>
internal sealed class TinyNet
{
    public static readonly string[] ParameterNames = ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"];

    private readonly Tensor _inputs;
    private readonly Tensor _targets;
    private readonly SoftmaxCrossEntropyLoss _loss = new();

    public TinyNet(JsonElement fixture)
    {
        var rng = new Random(0);
        Model = new Sequential("net", new Linear("fc1", 4, 3, rng), new Tanh("act"), new Linear("fc2", 3, 2, rng));
        float[][] rows = [.. fixture.GetProperty("inputs").EnumerateArray().Select(Fixtures.Floats)];
        _inputs = new Tensor([.. rows.SelectMany(r => r)], rows.Length, 4);
        _targets = new Tensor([.. fixture.GetProperty("targets").EnumerateArray().Select(t => (float)t.GetInt32())], rows.Length);
        JsonElement initial = fixture.GetProperty("initial");
        foreach (string name in ParameterNames)
        {
            float[] values = Fixtures.Floats(initial.GetProperty(name));
            Parameter p = Model.GetParameter(name);
            Assert.HasCount(p.Length, values, name);
            values.CopyTo(p.Weights);
        }
    }

    public Sequential Model { get; }

    public IReadOnlyList<Parameter> Parameters => Model.Parameters;

    /// <summary>Zeroes the gradients, runs forward and backward on the fixed batch.</summary>
    public float ComputeGradients(Optimizer optimizer)
    {
        optimizer.ZeroGrad();
        float loss = _loss.Forward(Model.Forward(_inputs), _targets);
        Model.Backward(_loss.Backward());
        return loss;
    }

    /// <summary>Takes one optimizer step with freshly computed gradients.</summary>
    public void Step(Optimizer optimizer)
    {
        ComputeGradients(optimizer);
        optimizer.Step();
    }
}
