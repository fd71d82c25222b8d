using MLGradientInsight.ActivityClassifier.Actions;

namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>Counts consecutive evaluations whose top action is the same non-<c>continue</c> action; alarms at the configured count.</summary>
internal sealed class AlarmConfirmation
{
    private readonly int _required;
    private string? _last;
    private int _count;

    public AlarmConfirmation(int required) => _required = required;

    /// <summary>Feeds one evaluation's top action; true when it has been the same alarm for the required number of evaluations.</summary>
    public bool Alarm(string top)
    {
        if (top == ActionNames.Of(TrainingAction.Continue))
        {
            _last = null;
            _count = 0;
            return false;
        }

        _count = top == _last ? _count + 1 : 1;
        _last = top;
        return _count >= _required;
    }

    public void Reset()
    {
        _last = null;
        _count = 0;
    }
}
