namespace MLGradientInsight.CorpusGenerator;

/// <summary>
/// Whether a run's condition had its intended effect (DeepCrime's "killed mutant" idea): a healthy run must train,
/// a faulty run must be measurably worse than the healthy run of the same workload and seed. Runs that fail this are
/// kept in the corpus but marked unused, because their label (the fault's fix) would be wrong for what the trace shows.
/// </summary>
internal static class Effectiveness
{
    /// <summary>Median of the finite values (NaN when there are none).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The median.</returns>
    public static double Median(IEnumerable<double> values)
    {
        double[] v = [.. values.Where(double.IsFinite).Order()];
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>
    /// Healthy: the loss fell to ≤ 75 % of its start (median of the first 20 vs the last 50 steps). Faulty: the run
    /// stopped on NaN/∞, or the healthy run of the same workload and seed trained and the faulty run's final loss lost at
    /// least a quarter of the healthy run's improvement (final ≥ healthy final + 0.25 · (healthy first − healthy final)).
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="healthy">The healthy (×1 learning rate) run of the same workload and seed.</param>
    /// <returns>Whether the run is used.</returns>
    public static bool IsEffective(CorpusRun run, CorpusRun healthy)
    {
        bool healthyTrained = double.IsFinite(healthy.FinalLoss) && healthy.FinalLoss <= 0.75 * healthy.FirstLoss;
        if (run.Condition.Action == "continue")
        {
            return run.Status == "Completed" && double.IsFinite(run.FinalLoss) && run.FinalLoss <= 0.75 * run.FirstLoss;
        }

        if (run.Status != "Completed")
        {
            return true;
        }

        return healthyTrained && (!double.IsFinite(run.FinalLoss) || run.FinalLoss >= healthy.FinalLoss + (0.25 * (healthy.FirstLoss - healthy.FinalLoss)));
    }
}
