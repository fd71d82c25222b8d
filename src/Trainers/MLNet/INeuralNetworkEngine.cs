using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>
/// What trains the network of the ML.NET <c>NeuralNetwork</c> trainers (<see cref="NeuralNetworkOptions.Engine"/>): our managed
/// engine (<see cref="ManagedEngine.Default"/>, the default) or another one, such as libtorch through TorchSharp
/// (<c>TorchSharpEngine.Default</c> in MLGradientInsight.Trainers.Torch, which this assembly does not reference).
/// </summary>
/// <remarks>
/// The fitted model always scores with the managed network: an engine trains <see cref="NeuralNetworkTrainingJob.Network"/>
/// in place (or trains a copy and writes the trained weights back), so <c>Evaluate</c>, <c>CreatePredictionEngine</c> and
/// saving work the same whichever engine trained it.
/// </remarks>
public interface INeuralNetworkEngine
{
    /// <summary>Gets the engine's name, written into the run's configuration in the store (e.g. <c>managed</c>, <c>torchsharp</c>).</summary>
    string Name { get; }

    /// <summary>Trains the job's network; on return it holds the trained weights.</summary>
    /// <param name="job">The network, data, settings and the sinks that receive steps, epochs and activity.</param>
    /// <returns>How the run ended and the per-epoch metrics.</returns>
    /// <exception cref="NotSupportedException">The engine cannot train this network or this optimizer (the message names it).</exception>
    TrainingResult Train(NeuralNetworkTrainingJob job);
}
