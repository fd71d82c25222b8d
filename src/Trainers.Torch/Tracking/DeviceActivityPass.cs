using System.Runtime.InteropServices;
using MLGradientInsight.Transforms.Activity;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Tracking;

// Inside the namespace: MLGradientInsight.Trainers has its own Tensor and Parameter.
using Parameter = TorchSharp.Modules.Parameter;
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// The activity pass of <see cref="TorchActivityTracker"/> in <see cref="TorchTrackingMode.DeviceOps"/>: the same
/// per-element rules as <c>ActivityKernel</c> (000 §3.3–3.5), written as libtorch operations on the parameters' device.
/// g_prev and M live there; each step's per-layer sums are computed there in float64, concatenated, and copied to the host
/// once; the <see cref="GradientActivityTracker"/> turns them into records (<c>AddExternalSums</c>) exactly as for the host kernel.
/// </summary>
/// <remarks>
/// <para>Per element, g finite: I = |g − g_prev|; included ⇔ M &gt; absolute ∧ M ≥ relative; dI = (|I − M| / M)^(1/p);
/// M ← (k1·M) + (k2·I) as two roundings (no fused multiply-add, like the host kernel); g_prev ← g. A non-finite g is counted,
/// excluded and leaves M and g_prev as they were. Step 1 stores g_prev (0 for non-finite g); warm-up steps add I to M and the
/// step that ends warm-up divides M by W. Unit and tensor grouping reduce each gradient to per-unit (per-tensor) sums on the
/// device first and run the same pass on them, with the gradient norm and non-finite count taken from the raw gradients.</para>
/// <para>State tensors are detached from any <see cref="DisposeScope"/> (scopes are thread-static: a tensor made inside the
/// user's scope would die with it); every per-step temporary is disposed by a scope of its own.</para>
/// </remarks>
internal sealed class DeviceActivityPass : IDisposable
{
    private const int SumCount = 6;

    private readonly GradientActivityTracker _tracker;
    private readonly GradientActivityOptions _options;
    private readonly Block[] _blocks;
    private readonly Tensor[] _pieces;
    private readonly int[] _tracked;
    private Tensor?[]? _weightsBefore;
    private Device _device;

    private DeviceActivityPass(GradientActivityTracker tracker, Block[] blocks, int[] tracked, Device device)
    {
        _tracker = tracker;
        _options = tracker.Options;
        _blocks = blocks;
        _tracked = tracked;
        _pieces = new Tensor[blocks.Length];
        _device = device;
    }

    /// <summary>Gets the device the state lives on.</summary>
    public Device Device => _device;

    /// <summary>Creates the pass with its state copied from the tracker's host state (zeros before the first step).</summary>
    /// <param name="tracker">The tracker, which keeps the step counter, thresholds and records.</param>
    /// <param name="tracked">Whether each tensor is tracked.</param>
    /// <param name="device">The parameters' device.</param>
    public static DeviceActivityPass Create(GradientActivityTracker tracker, bool[] tracked, Device device)
    {
        var blocks = new List<Block>();
        for (int layer = 0; layer < tracker.LayerCount; layer++)
        {
            IReadOnlyList<int> tensors = tracker.TensorsOfLayer(layer);
            if (tracker.Options.Grouping == ActivityGrouping.Element)
            {
                foreach (int t in tensors)
                {
                    blocks.Add(new Block(layer, t, tracker.ValueOffset(t), tracker.Tensors[t].Length));
                }
            }
            else
            {
                blocks.Add(new Block(layer, -1, 0, tracker.ValueCount(layer)));
            }
        }

        int[] trackedIndices = [.. Enumerable.Range(0, tracked.Length).Where(i => tracked[i])];
        var pass = new DeviceActivityPass(tracker, [.. blocks], trackedIndices, device);
        foreach (Block b in pass._blocks)
        {
            (float[] previous, float[] mean) = tracker.HostState(b.Layer);
            b.Previous = Upload(previous.AsSpan(b.Offset, b.Length), device);
            b.Mean = Upload(mean.AsSpan(b.Offset, b.Length), device);
        }

        return pass;
    }

    /// <summary>Runs one step on the gradients (index = tensor index; null for untracked tensors) and hands the sums to the tracker.</summary>
    /// <param name="gradients">The gradients on <see cref="Device"/>.</param>
    public void Step(Tensor?[] gradients)
    {
        long phase = _tracker.ObservedSteps;
        int warmup = _options.WarmupSteps;
        bool unitDetail = _options.Detail == ActivityDetail.Unit && phase > warmup;
        using DisposeScope scope = torch.NewDisposeScope();
        for (int k = 0; k < _blocks.Length; k++)
        {
            Block b = _blocks[k];
            int units = unitDetail ? Units(b) : 0;
            float relative = (float)(_options.RelativeThreshold * _tracker.MeanOfMean(b.Layer));
            if (b.Tensor >= 0)
            {
                _pieces[k] = Pass(gradients[b.Tensor]!.reshape(-1), b.Previous!, b.Mean!, phase, relative, units);
            }
            else
            {
                (Tensor grouped, Tensor raw) = Group(b.Layer, gradients);
                _pieces[k] = torch.cat([Pass(grouped, b.Previous!, b.Mean!, phase, relative, units), raw], 0);
            }
        }

        // The one device → host copy of the step.
        using Tensor all = torch.cat(_pieces, 0);
        using Tensor host = all.cpu();
        ReadOnlySpan<double> r = MemoryMarshal.Cast<byte, double>(host.bytes);
        int pos = 0;
        foreach (Block b in _blocks)
        {
            var sums = new ActivitySums
            {
                SumActivity = r[pos],
                Included = (long)r[pos + 1],
                SumIncludedMean = r[pos + 2],
                SumMean = r[pos + 3],
                SumSquares = r[pos + 4],
                NonFinite = (long)r[pos + 5],
            };
            pos += SumCount;
            int units = unitDetail ? Units(b) : 0;
            ReadOnlySpan<double> unitSums = r.Slice(pos, units), unitIncluded = r.Slice(pos + units, units);
            pos += 2 * units;
            if (b.Tensor < 0)
            {
                sums.SumSquares = r[pos];
                sums.NonFinite = (long)r[pos + 1];
                pos += 2;
            }

            _tracker.AddExternalSums(b.Layer, sums, b.Tensor >= 0 ? _tracker.UnitOffset(b.Tensor) : 0, unitSums, unitIncluded);
        }
    }

    /// <summary>Keeps a device copy of the tracked weights before the optimizer's update (for the update norm).</summary>
    /// <param name="parameters">The parameters, by tensor index.</param>
    public void KeepWeightsBefore(Parameter[] parameters)
    {
        _weightsBefore ??= new Tensor?[parameters.Length];
        foreach (int i in _tracked)
        {
            using Tensor w = parameters[i].detach();
            if (_weightsBefore[i] is null)
            {
                _weightsBefore[i] = w.clone().DetachFromDisposeScope();
            }
            else
            {
                _weightsBefore[i]!.copy_(w);
            }
        }
    }

    /// <summary>Gives the tracker ‖θ‖² and ‖θ − θ_before‖² of every tracked tensor after the update, computed on the device, one copy to the host.</summary>
    /// <param name="parameters">The parameters, by tensor index.</param>
    public void AddWeightSquares(Parameter[] parameters)
    {
        using DisposeScope scope = torch.NewDisposeScope();
        var pieces = new Tensor[2 * _tracked.Length];
        for (int k = 0; k < _tracked.Length; k++)
        {
            int i = _tracked[k];
            Tensor w = parameters[i].detach();
            pieces[2 * k] = w.square().sum(type: ScalarType.Float64);
            pieces[(2 * k) + 1] = (w - _weightsBefore![i]!).square().sum(type: ScalarType.Float64);
        }

        using Tensor all = torch.stack(pieces);
        using Tensor host = all.cpu();
        ReadOnlySpan<double> r = MemoryMarshal.Cast<byte, double>(host.bytes);
        for (int k = 0; k < _tracked.Length; k++)
        {
            _tracker.AddWeightSquares(_tracked[k], r[2 * k], r[(2 * k) + 1]);
        }
    }

    /// <summary>Moves the state to another device (after <c>module.to(device)</c>).</summary>
    /// <param name="device">The new device.</param>
    public void MoveTo(Device device)
    {
        foreach (Block b in _blocks)
        {
            b.Previous = Move(b.Previous!, device);
            b.Mean = Move(b.Mean!, device);
        }

        if (_weightsBefore is not null)
        {
            for (int i = 0; i < _weightsBefore.Length; i++)
            {
                _weightsBefore[i] = _weightsBefore[i] is { } w ? Move(w, device) : null;
            }
        }

        _device = device;
    }

    /// <summary>Copies the state into the tracker's host state (before switching to the host kernel).</summary>
    public void CopyStateToHost()
    {
        foreach (Block b in _blocks)
        {
            (float[] previous, float[] mean) = _tracker.HostState(b.Layer);
            Download(b.Previous!, previous.AsSpan(b.Offset, b.Length));
            Download(b.Mean!, mean.AsSpan(b.Offset, b.Length));
        }
    }

    /// <summary>Frees the state tensors.</summary>
    public void Dispose()
    {
        foreach (Block b in _blocks)
        {
            b.Previous?.Dispose();
            b.Mean?.Dispose();
            b.Previous = b.Mean = null;
        }

        foreach (Tensor? w in _weightsBefore ?? [])
        {
            w?.Dispose();
        }

        _weightsBefore = null;
    }

    /// <summary>
    /// One pass over values g with state g_prev, M: returns (Σ dI, included, Σ M included, Σ M after, Σ g², non-finite) in
    /// float64, then with <paramref name="units"/> &gt; 0 Σ dI and included per unit (rows of the values).
    /// </summary>
    private Tensor Pass(Tensor g, Tensor previous, Tensor mean, long phase, float relative, int units)
    {
        int warmup = _options.WarmupSteps;
        Tensor finite = g.isfinite();
        Tensor bad = finite.logical_not();
        Tensor squares = g.masked_fill(bad, 0f).square().sum(type: ScalarType.Float64);
        Tensor nonFinite = bad.sum(type: ScalarType.Float64);
        Tensor zero = torch.zeros_like(squares);
        if (phase == 0)
        {
            previous.copy_(g.masked_fill(bad, 0f));
            return torch.stack([zero, zero, zero, zero, squares, nonFinite]);
        }

        Tensor change = (g - previous).abs_();
        if (phase <= warmup)
        {
            mean.add_(change.masked_fill_(bad, 0f));
            previous.copy_(g.where(finite, previous));
            Tensor sumMean = zero;
            if (phase == warmup)
            {
                // End of warm-up: M = mean of the W collected changes (000 §3.4.3).
                mean.div_(warmup);
                sumMean = mean.sum(type: ScalarType.Float64);
            }

            return torch.stack([zero, zero, zero, sumMean, squares, nonFinite]);
        }

        Tensor included = finite.logical_and(mean.gt(_options.AbsoluteThreshold)).logical_and_(mean.ge(relative));
        Tensor excluded = included.logical_not();
        Tensor d = (change - mean).abs_().div_(mean);
        float p = _options.RootExponent;
        if (p == 2f)
        {
            d.sqrt_();
        }
        else if (p != 1f)
        {
            d = d.pow((double)(1f / p));
        }

        d.masked_fill_(excluded, 0f);
        Tensor sumActivity = d.sum(type: ScalarType.Float64);
        Tensor count = included.sum(type: ScalarType.Float64);
        Tensor sumIncludedMean = mean.masked_fill(excluded, 0f).sum(type: ScalarType.Float64);
        Tensor? unitSums = null, unitIncluded = null;
        if (units > 0)
        {
            unitSums = d.view(units, -1).sum(1, false, ScalarType.Float64);
            unitIncluded = included.view(units, -1).sum(1, false, ScalarType.Float64);
        }

        float k2 = _options.Smoothing;
        Tensor updated = mean.mul(1f - k2).add_(change.mul_(k2));
        mean.copy_(updated.where(finite, mean));
        previous.copy_(g.where(finite, previous));
        Tensor sums = torch.stack([sumActivity, count, sumIncludedMean, mean.sum(type: ScalarType.Float64), squares, nonFinite]);
        return unitSums is null ? sums : torch.cat([sums, unitSums, unitIncluded!], 0);
    }

    /// <summary>The grouped values of a layer (per-unit or per-tensor sums of its gradients, in the tracker's layout) and (Σ g², non-finite) of the raw gradients.</summary>
    private (Tensor Grouped, Tensor Raw) Group(int layer, Tensor?[] gradients)
    {
        IReadOnlyList<int> tensors = _tracker.TensorsOfLayer(layer);
        var parts = new Tensor[tensors.Count];
        var squares = new Tensor[tensors.Count];
        var nonFinite = new Tensor[tensors.Count];
        bool sharedUnits = true;
        for (int k = 0; k < tensors.Count; k++)
        {
            int t = tensors[k];
            Tensor g = gradients[t]!;
            int units = _tracker.Tensors[t].Units;
            sharedUnits &= units == _tracker.Tensors[tensors[0]].Units;
            // Summed in double and rounded once, as the host kernel does (ActivityKernel.Sum).
            parts[k] = (_options.Grouping == ActivityGrouping.Unit ? g.reshape(units, -1).sum(1, false, ScalarType.Float64) : g.sum(type: ScalarType.Float64).reshape(1))
                .to_type(ScalarType.Float32);
            Tensor bad = g.isfinite().logical_not_();
            squares[k] = g.masked_fill(bad, 0f).square().sum(type: ScalarType.Float64);
            nonFinite[k] = bad.sum(type: ScalarType.Float64);
        }

        Tensor grouped;
        if (_options.Grouping == ActivityGrouping.Unit && sharedUnits)
        {
            // Weight and bias share their units: the host adds each tensor's row sums in tensor order.
            grouped = parts[0];
            for (int k = 1; k < parts.Length; k++)
            {
                grouped = grouped + parts[k];
            }
        }
        else
        {
            grouped = torch.cat(parts, 0);
        }

        return (grouped, torch.stack([torch.stack(squares).sum(), torch.stack(nonFinite).sum()]));
    }

    private int Units(Block b) =>
        b.Tensor >= 0 ? _tracker.Tensors[b.Tensor].Units : _options.Grouping == ActivityGrouping.Unit ? b.Length : 0;

    /// <summary>Whether two devices are the same (<see cref="torch.Device"/> compares by reference).</summary>
    internal static bool SameDevice(Device a, Device b) => a.type == b.type && (a.type == DeviceType.CPU || a.index == b.index);

    private static Tensor Upload(ReadOnlySpan<float> values, Device device)
    {
        using Tensor host = torch.tensor(values.ToArray(), dtype: ScalarType.Float32);
        return host.to(device).clone().DetachFromDisposeScope();
    }

    private static Tensor Move(Tensor t, Device device)
    {
        if (SameDevice(t.device, device))
        {
            return t;
        }

        Tensor moved = t.to(device).DetachFromDisposeScope();
        t.Dispose();
        return moved;
    }

    private static void Download(Tensor t, Span<float> destination)
    {
        using Tensor host = t.cpu();
        using Tensor contiguous = host.contiguous();
        MemoryMarshal.Cast<byte, float>(contiguous.bytes).CopyTo(destination);
    }

    /// <summary>The state of one tensor (element grouping) or one layer (unit and tensor grouping).</summary>
    private sealed class Block(int layer, int tensor, int offset, int length)
    {
        public int Layer { get; } = layer;

        /// <summary>The tensor index, or −1 for a grouped layer.</summary>
        public int Tensor { get; } = tensor;

        /// <summary>Where the block starts in the layer's host state.</summary>
        public int Offset { get; } = offset;

        public int Length { get; } = length;

        public TorchSharp.torch.Tensor? Previous { get; set; }

        public TorchSharp.torch.Tensor? Mean { get; set; }
    }
}
