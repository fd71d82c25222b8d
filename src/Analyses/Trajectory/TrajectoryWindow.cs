namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>
/// One window of a trajectory labelled with 001's two regimes: moving along a canyon (the points drift one way) or
/// circling in a compact area (they wander in place).
/// </summary>
/// <param name="Variant">The trajectory variant the window was measured on.</param>
/// <param name="FirstStep">The step of the first point of the window.</param>
/// <param name="LastStep">The step of the last point.</param>
/// <param name="Points">The number of points.</param>
/// <param name="PathLength">Σ ‖pᵢ₊₁ − pᵢ‖ over the window, in the plane.</param>
/// <param name="Displacement">‖p_last − p_first‖.</param>
/// <param name="Efficiency">The measure: Displacement / PathLength in [0, 1] (1 = a straight line; a random walk of n steps gives about 1/√n).</param>
/// <param name="Threshold">The efficiency at or above which the window is <c>canyon</c>.</param>
/// <param name="Regime"><c>canyon</c> or <c>circling</c>.</param>
public sealed record TrajectoryWindow(
    string Variant, long FirstStep, long LastStep, int Points, double PathLength, double Displacement, double Efficiency, double Threshold, string Regime);
