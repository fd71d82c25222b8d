using MLGradientInsight.Analyses.Evaluation;

namespace MLGradientInsight.Analyses.Tests.Evaluation;

/// <summary>
/// A model-free evaluator (proves the analyses need no engine): two layers "a" (a.weight, 3 values) and "b" (b.weight, 2 values,
/// b.running_var, 2 values); loss = Σ (θ − target)² over the parameters; accuracy = 1 / (1 + loss).
/// </summary>
internal sealed class QuadraticEvaluator : IModelEvaluator
{
    private readonly Dictionary<string, float[]> _values = new()
    {
        ["a.weight"] = new float[3],
        ["b.weight"] = new float[2],
        ["b.running_var"] = [1, 1],
    };

    public float[] TargetA { get; } = [1, 2, 3];

    public float[] TargetB { get; } = [-1, 0.5f];

    public float InitialValue { get; set; } = 0.25f;

    public int Evaluations { get; private set; }

    public IReadOnlyList<StateTensorInfo> Tensors { get; } =
    [
        new("a.weight", "a", 3, StateTensorKind.Parameter),
        new("b.weight", "b", 2, StateTensorKind.Parameter),
        new("b.running_var", "b", 2, StateTensorKind.RunningStatistic),
    ];

    public int EvaluationSampleCount => 7;

    public float[] Values(string name) => _values[name];

    public void Read(string name, Span<float> destination) => _values[name].CopyTo(destination);

    public void Write(string name, ReadOnlySpan<float> values) => values.CopyTo(_values[name]);

    public void DrawInitial(string name, Span<float> destination, Random random)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = InitialValue + (float)random.NextDouble();
        }
    }

    public ModelEvaluation Evaluate()
    {
        Evaluations++;
        double loss = Loss(_values["a.weight"], _values["b.weight"]);
        return new ModelEvaluation(loss, 1 / (1 + loss), EvaluationSampleCount);
    }

    public double Loss(float[] a, float[] b) =>
        a.Select((v, i) => Math.Pow(v - TargetA[i], 2)).Sum() + b.Select((v, i) => Math.Pow(v - TargetB[i], 2)).Sum();

    public static ModelState State(float[] a, float[] b, float[]? variance = null) => new(
    [
        new("a.weight", a),
        new("b.weight", b),
        new("b.running_var", variance ?? [1, 1]),
    ]);
}
