using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Onnx;

/// <summary>
/// Exports a trained <see cref="Sequential"/> model to ONNX (opset 13), in evaluation mode: Linear → Gemm, Conv2d → Conv,
/// MaxPool2d / AvgPool2d → MaxPool / AveragePool, ReLU / LeakyReLU / Tanh / Sigmoid, BatchNorm1d/2d → BatchNormalization
/// with the running statistics, Flatten, LogSoftmax, Dropout → nothing; fused ReLUs become Relu nodes.
/// </summary>
/// <remarks>
/// The graph's input is a flat float tensor (N, values per sample) — what an ML.NET <c>Features</c> vector column gives
/// <c>ApplyOnnxModel</c> — reshaped inside the graph to (N, sample shape) for convolutional models; N is symbolic. With
/// <c>appendSoftmax</c> the output holds class probabilities (as our ML.NET trainer's <c>Score</c>).
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The opset version the exported graphs use.</summary>
    public const int OpsetVersion = 13;

    /// <summary>Exports a model to an ONNX file (written atomically).</summary>
    /// <param name="model">The model.</param>
    /// <param name="sampleShape">The shape of one sample, e.g. <c>[1, 32, 32]</c> or <c>[784]</c>.</param>
    /// <param name="path">The .onnx file.</param>
    /// <param name="appendSoftmax">Whether to end with Softmax over dimension 1 (classifiers trained on logits).</param>
    /// <param name="inputName">The graph input's name.</param>
    /// <param name="outputName">The graph output's name.</param>
    /// <exception cref="NotSupportedException">The model has a layer ONNX export does not cover (the message names it).</exception>
    public static void Export(Sequential model, IReadOnlyList<int> sampleShape, string path, bool appendSoftmax, string inputName = "input", string outputName = "output")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Export(model, sampleShape, appendSoftmax, inputName, outputName);
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Exports a model to ONNX bytes (a serialized ModelProto).</summary>
    /// <param name="model">The model.</param>
    /// <param name="sampleShape">The shape of one sample.</param>
    /// <param name="appendSoftmax">Whether to end with Softmax over dimension 1.</param>
    /// <param name="inputName">The graph input's name.</param>
    /// <param name="outputName">The graph output's name.</param>
    /// <returns>The model bytes.</returns>
    /// <exception cref="NotSupportedException">The model has a layer ONNX export does not cover (the message names it).</exception>
    public static byte[] Export(Sequential model, IReadOnlyList<int> sampleShape, bool appendSoftmax, string inputName = "input", string outputName = "output")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        int flat = sampleShape.Aggregate(1, (a, b) => a * b);
        int[] outputShape = model.OutputShape([1, .. sampleShape]);
        var graph = new OnnxProto();
        var nodes = new List<OnnxProto>();
        var initializers = new List<OnnxProto>();
        string current = inputName;
        int counter = 0;
        string Next(string name) => $"{name}_out{counter++}";

        if (sampleShape.Count > 1)
        {
            initializers.Add(OnnxProto.Int64Tensor("input_shape", [-1, .. sampleShape.Select(d => (long)d)]));
            string reshaped = Next("reshape");
            nodes.Add(OnnxProto.Node("Reshape", "reshape_input", [current, "input_shape"], reshaped));
            current = reshaped;
        }

        foreach (Module layer in Flatten(model))
        {
            current = AddLayer(layer, current, nodes, initializers, Next);
        }

        if (appendSoftmax)
        {
            nodes.Add(OnnxProto.Node("Softmax", "softmax", [current], outputName, OnnxProto.IntAttribute("axis", 1)));
        }
        else
        {
            nodes.Add(OnnxProto.Node("Identity", "output", [current], outputName));
        }

        foreach (OnnxProto node in nodes)
        {
            graph.Message(1, node);
        }

        graph.Text(2, model.Name);
        foreach (OnnxProto initializer in initializers)
        {
            graph.Message(5, initializer);
        }

        graph.Message(11, OnnxProto.FloatValueInfo(inputName, "N", [flat]));
        graph.Message(12, OnnxProto.FloatValueInfo(outputName, "N", outputShape.AsSpan(1)));

        // ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8 (domain 1, version 2).
        return new OnnxProto()
            .Int(1, 7)
            .Text(2, "MLGradientInsight")
            .Text(3, typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0")
            .Message(7, graph)
            .Message(8, new OnnxProto().Text(1, "").Int(2, OpsetVersion))
            .ToArray();
    }

    private static IEnumerable<Module> Flatten(Sequential model)
    {
        foreach (Module layer in model.Layers)
        {
            if (layer is Sequential inner)
            {
                foreach (Module m in Flatten(inner))
                {
                    yield return m;
                }
            }
            else
            {
                yield return layer;
            }
        }
    }

    private static string AddLayer(Module layer, string input, List<OnnxProto> nodes, List<OnnxProto> initializers, Func<string, string> next)
    {
        string Weight(Parameter p)
        {
            initializers.Add(OnnxProto.FloatTensor(p.Name, p.Shape, p.Weights));
            return p.Name;
        }

        string Unary(string op, params OnnxProto[] attributes)
        {
            string output = next(layer.Name);
            nodes.Add(OnnxProto.Node(op, layer.Name, [input], output, attributes));
            return output;
        }

        string FusedReLU(string output, bool fused)
        {
            if (!fused)
            {
                return output;
            }

            string relu = next(layer.Name + "_relu");
            nodes.Add(OnnxProto.Node("Relu", layer.Name + "_relu", [output], relu));
            return relu;
        }

        switch (layer)
        {
            case Linear linear:
            {
                string output = next(layer.Name);
                string[] inputs = linear.Bias is { } b ? [input, Weight(linear.Weight), Weight(b)] : [input, Weight(linear.Weight)];
                nodes.Add(OnnxProto.Node("Gemm", layer.Name, inputs, output, OnnxProto.IntAttribute("transB", 1)));
                return FusedReLU(output, linear.FusedReLU);
            }

            case Conv2d conv:
            {
                string output = next(layer.Name);
                string[] inputs = conv.Bias is { } b ? [input, Weight(conv.Weight), Weight(b)] : [input, Weight(conv.Weight)];
                nodes.Add(OnnxProto.Node("Conv", layer.Name, inputs, output,
                    OnnxProto.IntsAttribute("kernel_shape", conv.KernelSize.Height, conv.KernelSize.Width),
                    OnnxProto.IntsAttribute("strides", conv.Stride.Height, conv.Stride.Width),
                    OnnxProto.IntsAttribute("pads", conv.Padding.Height, conv.Padding.Width, conv.Padding.Height, conv.Padding.Width)));
                return FusedReLU(output, conv.FusedReLU);
            }

            case MaxPool2d pool:
                return Unary("MaxPool", PoolAttributes(pool));
            case AvgPool2d pool:
                return Unary("AveragePool", [.. PoolAttributes(pool), OnnxProto.IntAttribute("count_include_pad", 1)]);
            case ReLU:
                return Unary("Relu");
            case Tanh:
                return Unary("Tanh");
            case Sigmoid:
                return Unary("Sigmoid");
            case LeakyReLU leaky:
                return Unary("LeakyRelu", OnnxProto.FloatAttribute("alpha", leaky.NegativeSlope));
            case Layers.Flatten:
                return Unary("Flatten", OnnxProto.IntAttribute("axis", 1));
            case LogSoftmax:
                return Unary("LogSoftmax", OnnxProto.IntAttribute("axis", 1));
            case Dropout:
                return input;                                   // identity in evaluation mode
            case BatchNorm norm:
            {
                string output = next(layer.Name);
                initializers.Add(OnnxProto.FloatTensor(layer.Name + ".running_mean", [norm.Features], norm.RunningMean.Span));
                initializers.Add(OnnxProto.FloatTensor(layer.Name + ".running_var", [norm.Features], norm.RunningVariance.Span));
                nodes.Add(OnnxProto.Node("BatchNormalization", layer.Name,
                    [input, Weight(norm.Weight), Weight(norm.Bias), layer.Name + ".running_mean", layer.Name + ".running_var"], output,
                    OnnxProto.FloatAttribute("epsilon", norm.Epsilon)));
                return output;
            }

            default:
                throw new NotSupportedException(
                    $"Layer '{layer.Name}' ({layer.GetType().Name}) has no ONNX export. Supported: Linear, Conv2d, MaxPool2d, AvgPool2d, ReLU, LeakyReLU, Tanh, Sigmoid, BatchNorm1d/2d, Flatten, LogSoftmax, Dropout.");
        }
    }

    private static OnnxProto[] PoolAttributes(Pool2d pool) =>
    [
        OnnxProto.IntsAttribute("kernel_shape", pool.KernelSize, pool.KernelSize),
        OnnxProto.IntsAttribute("strides", pool.Stride, pool.Stride),
        OnnxProto.IntsAttribute("pads", pool.Padding, pool.Padding, pool.Padding, pool.Padding),
    ];
}
