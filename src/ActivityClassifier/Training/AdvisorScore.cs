namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>How an advisor did on a set of held-out runs.</summary>
/// <param name="Advisor">The advisor (<c>model</c> or <c>rules</c>).</param>
/// <param name="Group">The held-out group (a workload, <c>all</c>, or <c>pytorch</c>).</param>
/// <param name="FaultyRuns">Faulty runs evaluated.</param>
/// <param name="RightTopAction">Faulty runs whose top action at the end of the trace is the right one.</param>
/// <param name="HealthyRuns">Healthy runs evaluated.</param>
/// <param name="FalseAlarms">Healthy runs whose top action at the end of the trace is not <c>continue</c>.</param>
/// <param name="OnlineFalseAlarms">Healthy runs on which the online advisor ever ranked something other than <c>continue</c> first.</param>
/// <param name="MedianDelay">Median steps from fault onset to the first online alarm (faulty runs that alarmed; NaN if none).</param>
public sealed record AdvisorScore(string Advisor, string Group, int FaultyRuns, int RightTopAction, int HealthyRuns, int FalseAlarms, int OnlineFalseAlarms, double MedianDelay)
{
    /// <summary>Gets the fraction of faulty runs with the right top action.</summary>
    public double RightTopFraction => FaultyRuns == 0 ? double.NaN : (double)RightTopAction / FaultyRuns;

    /// <summary>Gets the fraction of healthy runs with a (final) false alarm.</summary>
    public double FalseAlarmRate => HealthyRuns == 0 ? double.NaN : (double)FalseAlarms / HealthyRuns;

    /// <summary>Gets the fraction of healthy runs with any online false alarm.</summary>
    public double OnlineFalseAlarmRate => HealthyRuns == 0 ? double.NaN : (double)OnlineFalseAlarms / HealthyRuns;
}
