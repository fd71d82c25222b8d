using Microsoft.ML;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>The <c>NeuralNetwork</c> trainers of one task of <c>mlContext.GradientInsight()</c> (multiclass or regression).</summary>
public abstract class GradientInsightTrainerCatalog
{
    private readonly MLContext _mlContext;
    private readonly bool _multiclass;

    private protected GradientInsightTrainerCatalog(MLContext mlContext, bool multiclass)
    {
        _mlContext = mlContext;
        _multiclass = multiclass;
    }

    /// <summary>A neural network on our engine, with gradient-activity tracking (defaults of <see cref="NeuralNetworkOptions"/>).</summary>
    /// <param name="labelColumnName">The label: a key (<c>MapValueToKey</c>) for multiclass, Single for regression.</param>
    /// <param name="featureColumnName">The features: a known-size vector of Single.</param>
    /// <param name="model">The model spec (<c>mlp</c>, <c>mlp:IN,…,OUT</c>).</param>
    /// <param name="epochs">The number of epochs.</param>
    /// <param name="batchSize">The mini-batch size.</param>
    /// <param name="learningRate">The learning rate (Adam).</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentException">A setting is invalid (<see cref="ArgumentException.ParamName"/> names it).</exception>
    public NeuralNetworkTrainer NeuralNetwork(
        string labelColumnName = "Label", string featureColumnName = "Features", string model = "mlp", int epochs = 10, int batchSize = 32, float learningRate = 0.001f) =>
        NeuralNetwork(new NeuralNetworkOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Model = model,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
        });

    /// <summary>A neural network on our engine, with gradient-activity tracking.</summary>
    /// <param name="options">The settings.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentException">A setting is invalid (<see cref="ArgumentException.ParamName"/> names it).</exception>
    public NeuralNetworkTrainer NeuralNetwork(NeuralNetworkOptions options) => new(_mlContext, options, _multiclass);
}
