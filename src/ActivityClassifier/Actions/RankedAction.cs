namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>One recommended action with its score (model probability, or the rule's strength) and the evidence in words.</summary>
/// <param name="Action">The action name (<see cref="ActionNames"/>).</param>
/// <param name="Score">The score in [0, 1]; actions are ranked by it.</param>
/// <param name="Evidence">Why, in the user's terms (numbers from the trace).</param>
public sealed record RankedAction(string Action, double Score, string Evidence);
