using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.AutoAdjust;

/// <summary>
/// The closed loop as a tracker sink: forwards each step's rows to a <see cref="TrainingAdvisor"/> and, after each of
/// its evaluations, lets a <see cref="LearningRateController"/> act on the top action. A step counts as non-finite when
/// one of its rows has a NaN/∞ loss, an infinite activity or non-finite gradient values.
/// </summary>
/// <example>
/// <code>
/// var loop = new AutoAdjuster(new TrainingAdvisor(), new LearningRateController(new AutoAdjustOptions(), getLr, setLr));
/// using IDisposable tracking = tracker.Attach(trainer, loop);
/// </code>
/// </example>
public sealed class AutoAdjuster : IActivitySink
{
    private bool _stepIsFinite = true;

    /// <summary>Creates the loop.</summary>
    /// <param name="advisor">The advisor (its events stay available to others).</param>
    /// <param name="controller">The controller that applies its learning-rate actions.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public AutoAdjuster(TrainingAdvisor advisor, LearningRateController controller)
    {
        ArgumentNullException.ThrowIfNull(advisor);
        ArgumentNullException.ThrowIfNull(controller);
        Advisor = advisor;
        Controller = controller;
        advisor.Evaluated += (_, e) => controller.Consider(e.Step, e.Top, _stepIsFinite);
    }

    /// <summary>Gets the advisor.</summary>
    public TrainingAdvisor Advisor { get; }

    /// <summary>Gets the controller.</summary>
    public LearningRateController Controller { get; }

    /// <summary>Receives one step's rows.</summary>
    /// <param name="records">The network row and the layer rows.</param>
    /// <param name="units">Per-unit rows (ignored).</param>
    public void Write(ReadOnlySpan<ActivityRecord> records, ReadOnlySpan<UnitActivityRecord> units)
    {
        _stepIsFinite = true;
        foreach (ActivityRecord r in records)
        {
            _stepIsFinite &= double.IsFinite(r.Loss) && !double.IsInfinity(r.Activity) && r.NonFiniteCount == 0;
        }

        Advisor.Write(records, units);
    }
}
