using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Shapes;

namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>Options of <see cref="TraceDiagnoser"/> and <see cref="TrainingAdvisor"/>.</summary>
public sealed record AdvisorOptions
{
    /// <summary>The advisor used when none is chosen: the one that validated better (README, "Activity classifier").</summary>
    public const AdvisorKind DefaultKind = AdvisorKind.Model;

    /// <summary>Gets which advisor ranks actions.</summary>
    public AdvisorKind Kind { get; init; } = DefaultKind;

    /// <summary>Gets the shape model (null: the shipped one).</summary>
    public ShapeModel? ShapeModel { get; init; }

    /// <summary>Gets the action model (null: the shipped one).</summary>
    public ActionModel? ActionModel { get; init; }

    /// <summary>Gets the minimum number of steps with activity before the advisor says anything but <c>continue</c> (default 50).</summary>
    public int MinimumSteps { get; init; } = 50;

    /// <summary>
    /// The shipped alarm threshold: chosen for the shipped action model by leave-one-workload-out cross-validation on the
    /// corpus (<c>mlgi classifier train --output</c> prints it).
    /// </summary>
    public const double DefaultAlarmThreshold = 0.65;

    /// <summary>Gets the probability the action model must give an action other than <c>continue</c> before it is ranked first (default <see cref="DefaultAlarmThreshold"/>).</summary>
    public double AlarmThreshold { get; init; } = DefaultAlarmThreshold;

    /// <summary>Gets how many consecutive evaluations must agree on an action other than <c>continue</c> before the online advisor raises an alarm (default 3).</summary>
    public int ConfirmEvaluations { get; init; } = 3;

    /// <summary>Gets the smallest interval, in steps, between two evaluations; the interval is max(this, step / 100) (default 10).</summary>
    public int EvaluationInterval { get; init; } = 10;

    /// <summary>Validates the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumSteps, 16, nameof(MinimumSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(EvaluationInterval, 1, nameof(EvaluationInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(ConfirmEvaluations, 1, nameof(ConfirmEvaluations));
        if (AlarmThreshold is < 0 or > 1 || double.IsNaN(AlarmThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(AlarmThreshold), AlarmThreshold, "The alarm threshold is a probability in [0, 1].");
        }
    }

    internal ShapeModel Shapes => ShapeModel ?? ShapeModel.LoadDefault();

    internal long IntervalAt(long step) => Math.Max(EvaluationInterval, step / 100);
}
