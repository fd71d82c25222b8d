using BenchmarkDotNet.Attributes;
using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.Trajectory;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// Cost of one interpolation point of <c>mlgi interpolate</c> (002): write θα = (1 − α)·θ0 + α·θ1 into every tensor, then
/// evaluate loss and accuracy on the evaluation set (batches of 500). Grows with the model (MLP 784-H-H-H-10) and
/// the evaluation-set size.
/// </summary>
[MemoryDiagnoser]
public class InterpolationPointBenchmarks
{
    private StatePair _pair = null!;
    private SequentialModelEvaluator _evaluator = null!;

    /// <summary>Gets or sets the hidden width H of the 3-hidden-layer MLP.</summary>
    [Params(64, 256, 1000)]
    public int Hidden { get; set; }

    /// <summary>Gets or sets the evaluation-set size.</summary>
    [Params(250, 1000, 4000)]
    public int Samples { get; set; }

    /// <summary>Builds two seeded states of the model and a seeded random evaluation set.</summary>
    [GlobalSetup]
    public void Setup()
    {
        EngineSettings.MaxDegreeOfParallelism = 1;
        Sequential model = ModelZoo.Mlp([784, Hidden, Hidden, Hidden, 10], Activation.ReLU, 1);
        ModelState theta0 = ModelState.FromModel(model), theta1 = ModelState.FromModel(ModelZoo.Mlp([784, Hidden, Hidden, Hidden, 10], Activation.ReLU, 2));
        var random = new Random(3);
        var x = new Tensor(Samples, 784);
        var y = new Tensor(Samples);
        for (int i = 0; i < x.Length; i++)
        {
            x.Span[i] = (float)random.NextDouble();
        }

        for (int i = 0; i < Samples; i++)
        {
            y.Span[i] = random.Next(10);
        }

        _evaluator = new SequentialModelEvaluator(model, new SoftmaxCrossEntropyLoss(), new Dataset("random", x, y, 10));
        _pair = new StatePair(_evaluator, theta0, theta1);
    }

    /// <summary>One point of the whole-model path.</summary>
    /// <returns>The loss (kept so the work is not optimised away).</returns>
    [Benchmark]
    public double Point()
    {
        for (int i = 0; i < _pair.Tensors.Count; i++)
        {
            _pair.WriteInterpolated(i, 0.37);
        }

        return _evaluator.Evaluate().Loss;
    }
}

/// <summary>
/// Per-step cost of streaming 001's trajectory picture during training (<see cref="TrajectoryRecorder"/>): the projection
/// Σ wᵢ·vᵢ of every weight (a point), and the Σ g² update for the RMS-gradient weighting (every step). P includes sizes
/// of the 001 network (510), LeNet-5 (81,194), MLP 3×256 (335,114) and 4M.
/// </summary>
[MemoryDiagnoser]
public class ProjectionStepBenchmarks
{
    private RandomPlaneProjection _projection = null!;
    private float[] _weights = null!;
    private GradientSquares _squares = null!;
    private Parameter[] _parameters = null!;

    /// <summary>Gets or sets the number of weights P.</summary>
    [Params(510, 81_194, 335_114, 4_000_037)]
    public int Weights { get; set; }

    /// <summary>Builds one tensor of P seeded weights and gradients.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _projection = new RandomPlaneProjection([Weights], 1);
        var random = new Random(2);
        _weights = [.. Enumerable.Range(0, Weights).Select(_ => (float)random.NextDouble() - 0.5f)];
        var p = new Parameter("fc1", "weight", Weights);
        _weights.CopyTo(p.Gradients);
        _parameters = [p];
        _squares = new GradientSquares(_parameters);
    }

    /// <summary>One projected point.</summary>
    /// <returns>The x coordinate.</returns>
    [Benchmark]
    public double Project() => _projection.ProjectTensor(0, _weights).X;

    /// <summary>One step of the Σ g² accumulator.</summary>
    /// <returns>The step count.</returns>
    [Benchmark]
    public long AccumulateGradientSquares()
    {
        _squares.Add(_parameters);
        return _squares.Steps;
    }
}
