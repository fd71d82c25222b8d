using MLGradientInsight.Trainers.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Training;

// Inside the namespace: MLGradientInsight.Trainers has its own Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>A dataset as two libtorch tensors: features (N, sample shape…) float32 and targets (N) int64 class labels or (N, …) float32.</summary>
internal sealed class DatasetTensors : IDisposable
{
    private DatasetTensors(Tensor features, Tensor targets, bool classification)
    {
        Features = features;
        Targets = targets;
        Classification = classification;
    }

    public Tensor Features { get; }

    public Tensor Targets { get; }

    public bool Classification { get; }

    public static DatasetTensors Create(Dataset data)
    {
        long[] shape = [.. data.Features.Shape.ToArray().Select(d => (long)d)];
        Tensor features = torch.tensor(data.Features.Span.ToArray(), shape, ScalarType.Float32).DetachFromDisposeScope();
        bool classification = data.ClassCount > 0;
        long[] targetShape = [.. data.Targets.Shape.ToArray().Select(d => (long)d)];
        Tensor targets;
        if (classification)
        {
            long[] labels = [.. data.Targets.Span.ToArray().Select(v => (long)v)];
            targets = torch.tensor(labels, [data.Count]).DetachFromDisposeScope();
        }
        else
        {
            targets = torch.tensor(data.Targets.Span.ToArray(), targetShape, ScalarType.Float32).DetachFromDisposeScope();
        }

        return new DatasetTensors(features, targets, classification);
    }

    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
    }
}
