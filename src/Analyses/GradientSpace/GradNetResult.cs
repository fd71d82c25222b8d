namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>The base network against GradNet on the same test set (003 Table 1), with the cost of the gradient features.</summary>
/// <param name="BaseAccuracy">Test accuracy of the base network.</param>
/// <param name="GradNetAccuracy">Test accuracy of GradNet (the class whose gradient it scores highest).</param>
/// <param name="Gain">Relative gain GradNetAccuracy / BaseAccuracy − 1, as 003 Table 1 reports it (+4.9 % for 0.79 → 0.8289).</param>
/// <param name="BaseTrainAccuracy">Accuracy of the base network on GradNet's training samples.</param>
/// <param name="GradNetTrainAccuracy">Accuracy of GradNet on its training samples.</param>
/// <param name="Features">Gradient features per (sample, class).</param>
/// <param name="Blocks">GradNet blocks (base layers with parameters).</param>
/// <param name="TrainSamples">Samples GradNet was trained on.</param>
/// <param name="TestSamples">Samples it was tested on.</param>
/// <param name="FeatureMicrosecondsPerSample">Wall time to compute one sample's features for all classes (selection excluded).</param>
/// <param name="FeatureBytes">Memory held by the train and test feature matrices.</param>
/// <param name="TrainSeconds">Wall time of GradNet's training.</param>
public sealed record GradNetResult(
    double BaseAccuracy,
    double GradNetAccuracy,
    double Gain,
    double BaseTrainAccuracy,
    double GradNetTrainAccuracy,
    int Features,
    int Blocks,
    int TrainSamples,
    int TestSamples,
    double FeatureMicrosecondsPerSample,
    long FeatureBytes,
    double TrainSeconds);
