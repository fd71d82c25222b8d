using System.Runtime.InteropServices;
using MLGradientInsight.Trainers.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Checkpoints;

// Inside the namespace: MLGradientInsight.Trainers has its own Tensor.
using ManagedTensor = MLGradientInsight.Trainers.Tensor;
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// Moves weights between a TorchSharp module and a safetensors file (<see cref="SafeTensors"/>), by PyTorch parameter name,
/// so that the managed engine, TorchSharp and PyTorch start from the same weights.
/// </summary>
public static class TorchCheckpoint
{
    /// <summary>Copies the tensors of a safetensors file into the module's parameters and buffers of the same names.</summary>
    /// <param name="module">The module.</param>
    /// <param name="path">The safetensors file (e.g. written by <see cref="Checkpoint.Save"/>).</param>
    /// <param name="strict">Whether every parameter and buffer must be in the file and every tensor of the file in the module.</param>
    /// <exception cref="CheckpointException">The file is malformed, a shape differs (both shapes named), or (strict) names are missing or unexpected.</exception>
    /// <exception cref="TorchLoadException">libtorch could not be loaded.</exception>
    public static void Load(nn.Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        TorchRuntime.EnsureLoaded();
        SafeTensorsFile file = SafeTensors.Load(path);
        Dictionary<string, Tensor> state = module.state_dict();
        if (strict)
        {
            string[] missing = [.. state.Keys.Where(k => !file.Tensors.ContainsKey(k))];
            string[] unexpected = [.. file.Names.Where(k => !state.ContainsKey(k))];
            if (missing.Length > 0 || unexpected.Length > 0)
            {
                throw new CheckpointException(
                    path,
                    missing.FirstOrDefault() ?? unexpected[0],
                    null,
                    $"the module and the file have different tensors (missing in the file: [{string.Join(", ", missing)}]; not in the module: [{string.Join(", ", unexpected)}]). Load a checkpoint of the same architecture, or pass strict: false.");
            }
        }

        foreach ((string name, Tensor target) in state)
        {
            if (!file.Tensors.TryGetValue(name, out ManagedTensor? source))
            {
                continue;
            }

            long[] shape = target.shape;
            if (!shape.Select(d => (int)d).SequenceEqual(source.Shape.ToArray()))
            {
                throw new CheckpointException(path, name, null, $"shape {ManagedTensor.FormatShape(source.Shape)} in the file but [{string.Join(", ", shape)}] in the module. Load a checkpoint of the same architecture.");
            }
        }

        using (torch.no_grad())
        {
            foreach ((string name, Tensor target) in state)
            {
                if (file.Tensors.TryGetValue(name, out ManagedTensor? source))
                {
                    using Tensor values = torch.tensor(source.Span.ToArray(), target.shape, dtype: ScalarType.Float32);
                    target.copy_(values);
                }
            }
        }
    }

    /// <summary>Writes the module's parameters and buffers (float32) to a safetensors file that <see cref="Checkpoint.Load"/> and PyTorch read.</summary>
    /// <param name="module">The module.</param>
    /// <param name="path">The file (written atomically).</param>
    /// <param name="metadata">Optional string metadata.</param>
    /// <exception cref="TorchLoadException">libtorch could not be loaded.</exception>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        TorchRuntime.EnsureLoaded();
        var tensors = new List<(string, ManagedTensor)>();
        foreach ((string name, Tensor t) in module.state_dict())
        {
            using Tensor host = t.detach().cpu().to_type(ScalarType.Float32).contiguous();
            tensors.Add((name, new ManagedTensor(MemoryMarshal.Cast<byte, float>(host.bytes).ToArray(), [.. t.shape.Select(d => checked((int)d))])));
        }

        SafeTensors.Save(path, tensors, metadata);
    }
}
