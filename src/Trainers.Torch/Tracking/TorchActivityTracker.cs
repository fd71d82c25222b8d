using System.Diagnostics;
using System.Runtime.InteropServices;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Tracking;

// Inside the namespace: MLGradientInsight.Trainers has its own Tensor and Parameter.
using Parameter = TorchSharp.Modules.Parameter;
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// Tracks the gradient activity (000 §3) of any TorchSharp <see cref="nn.Module"/> trained in the user's own loop:
/// call <see cref="Observe(double, double)"/> once per step, after <c>loss.backward()</c> and before <c>optimizer.step()</c>.
/// </summary>
/// <remarks>
/// <para>At attach the module's <c>named_parameters()</c> are read once (PyTorch names such as <c>conv1.weight</c>); the
/// layer of a parameter is its name without the last part (<c>conv1</c>) and its units (neurons, conv filters) are
/// dimension 0 of its shape, so <see cref="ActivityGrouping.Unit"/> works for any Linear/Conv module. After
/// <c>module.to(device)</c>, which replaces the Parameter objects, call <see cref="Refresh"/>.</para>
/// <para>Where the per-element pass runs is <see cref="TorchTrackingMode"/>. <see cref="TorchTrackingMode.Auto"/> reads CPU
/// gradients in place (the tensor's memory as a span of float) with the managed tracker's fused kernel; apart from the wrapper
/// TorchSharp creates on every <c>parameter.grad</c> access, a step then allocates nothing (records handed to a sink are
/// allocated by the tracker). For parameters on another device (CUDA) it runs the pass as libtorch operations on that device
/// (<see cref="TorchTrackingMode.DeviceOps"/>: g_prev and M on the device, per-layer sums copied to the host once per step).
/// That path is tested on CPU tensors only, against the host kernel: no CUDA build of TorchSharp is served to this project.</para>
/// <para>With <see cref="GradientActivityOptions.TrackWeightStatistics"/> the records of a step are written at the next
/// <see cref="Observe(double, double)"/> (or <see cref="Flush"/>, <see cref="Dispose"/>), when the optimizer has applied
/// the update, so that weight and update norms describe that update as in the managed engine. Not thread-safe.</para>
/// <para><see cref="TorchTrackingMode.Overlapped"/> takes the pass off the training thread: <see cref="Observe(double, double)"/>
/// keeps a reference to each gradient, hands the step to one background thread and returns; the rows of a step reach the sink,
/// in step order and identical to the synchronous mode's, at the next <see cref="Observe(double, double)"/>, <see cref="Flush"/>
/// or <see cref="Dispose"/>. Between <see cref="Observe(double, double)"/> and the next call the loop must not change the
/// gradients in place (clip them before the call, not after) and should release them with <c>module.zero_grad()</c>: a loop
/// that zeroes them in place is detected when a step's gradient is the memory of the one kept from the step before; the
/// tracker then tracks synchronously for the rest of the run and says so once (<see cref="OverlapFallbackReason"/>,
/// <see cref="Warning"/>). Detected at step 2 — the first step always runs synchronously — this loses nothing; detected later
/// (the loop changed how it zeroes), the step before may have read gradients being zeroed, and the tracker restarts its
/// warm-up.</para>
/// </remarks>
public sealed class TorchActivityTracker : IDisposable
{
    private readonly nn.Module _module;
    private readonly optim.ILearningRateController[] _groups;
    private readonly int[] _groupOfLayer;
    private readonly IActivitySink? _sink;
    private readonly RunWriter? _steps;
    private readonly GradientActivityTracker _tracker;
    private readonly string[] _names;
    private readonly bool[] _tracked;
    private readonly IDisposable _claim;
    private readonly Stopwatch _clock = new();
    private readonly Tensor?[] _gradients;
    private readonly Tensor?[] _held;
    private readonly Tensor?[] _current;
    private readonly double[] _layerRates;
    private BackgroundStep? _overlap;
    private long _overlappedSteps;
    private bool _rowsPending;
    private bool _workFromOptimizer;
    private double _workLoss;
    private double _workRate;
    private long _workStep;
    private int _workEpoch;
    private readonly int _firstTracked;
    private TorchTrackingMode _mode;
    private DeviceActivityPass? _devicePass;
    private Parameter[] _parameters;
    private bool _pending;
    private bool _disposed;
    private long _step;

    private TorchActivityTracker(nn.Module module, optim.Optimizer? optimizer, IActivitySink? sink, RunWriter? steps, GradientActivityOptions options, TorchTrackingMode mode)
    {
        TorchRuntime.EnsureLoaded();
        _module = module;
        _groups = optimizer is null ? [] : [.. optimizer.ParamGroups];
        _sink = sink;
        _steps = steps;
        (_names, _parameters, TrackedTensor[] layout) = ReadParameters(module);
        _tracker = new GradientActivityTracker(layout, options);
        _tracked = new bool[_names.Length];
        _gradients = new Tensor?[_names.Length];
        _held = new Tensor?[_names.Length];
        _current = new Tensor?[_names.Length];
        _layerRates = new double[_tracker.LayerCount];
        for (int i = 0; i < _names.Length; i++)
        {
            _tracked[i] = options.Layers is null || options.Layers.Contains(layout[i].Layer);
        }

        _firstTracked = Array.IndexOf(_tracked, true);
        _groupOfLayer = GroupOfLayer(_tracker, _parameters, _groups);
        _mode = mode;
        ChoosePass();
        _claim = _tracker.Claim();
        if (mode == TorchTrackingMode.Overlapped)
        {
            _overlap = new BackgroundStep(RunBackgroundStep, "MLGradientInsight activity");
        }
    }

    /// <summary>
    /// Raised once, on the training thread, when <see cref="TorchTrackingMode.Overlapped"/> falls back to synchronous tracking;
    /// the argument is the same text as <see cref="OverlapFallbackReason"/>. The library writes no console output: log it.
    /// </summary>
    public event EventHandler<string>? Warning;

    /// <summary>Gets why <see cref="TorchTrackingMode.Overlapped"/> tracking fell back to synchronous tracking, or null while it
    /// has not (or another mode was chosen).</summary>
    public string? OverlapFallbackReason { get; private set; }

    /// <summary>Gets the tracker that holds the activity state; read <see cref="GradientActivityTracker.LastStep"/> for the last step
    /// (in <see cref="TorchTrackingMode.Overlapped"/> mode the getter first waits for the step in progress).</summary>
    public GradientActivityTracker Tracker
    {
        get
        {
            _overlap?.Wait();
            return _tracker;
        }
    }

    /// <summary>Gets the number of observed steps.</summary>
    public long Step => _step;

    /// <summary>Gets or sets the 1-based epoch written into the records (0 = unknown).</summary>
    public int Epoch { get; set; }

    /// <summary>Gets where the per-element pass runs now: <see cref="TorchTrackingMode.HostKernel"/>, <see cref="TorchTrackingMode.DeviceOps"/>
    /// or <see cref="TorchTrackingMode.Overlapped"/> (which becomes <see cref="TorchTrackingMode.HostKernel"/> when it falls back).</summary>
    public TorchTrackingMode ActiveMode =>
        _overlap is not null ? TorchTrackingMode.Overlapped : _devicePass is null ? TorchTrackingMode.HostKernel : TorchTrackingMode.DeviceOps;

    /// <summary>Gets the parameter names read at attach (or the last <see cref="Refresh"/>), in tensor-index order.</summary>
    public IReadOnlyList<string> ParameterNames => _names;

    /// <summary>Attaches a tracker to a TorchSharp module.</summary>
    /// <param name="module">The model; its float32 parameters that require gradients are tracked.</param>
    /// <param name="sink">Receives the activity rows (an <see cref="InMemoryActivitySink"/>, a <see cref="RunWriter"/> — which also
    /// gets one step row per step — …), or null to only keep <see cref="GradientActivityTracker.LastStep"/>.</param>
    /// <param name="optimizer">The optimizer: when <see cref="Observe(double, double)"/> gets no learning rate, each layer records
    /// the rate of its parameter group (read at attach; the first group's for the step row); may be null.</param>
    /// <param name="options">The tracker settings, or null for defaults (the run id of a <see cref="RunWriter"/> sink is filled in).</param>
    /// <param name="mode">Where the per-element pass runs; <see cref="TorchTrackingMode.Auto"/> picks by the parameters' device.</param>
    /// <param name="steps">The run writer that gets one step row per step when <paramref name="sink"/> is not itself that writer
    /// (e.g. a sink that passes the rows to the writer and to a live advisor); null: the sink, if it is a <see cref="RunWriter"/>.</param>
    /// <returns>The tracker; dispose it to detach (writes the last pending records).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> is null.</exception>
    /// <exception cref="ArgumentException">The module has no trainable float32 parameters, or one has another dtype, or
    /// <paramref name="mode"/> is <see cref="TorchTrackingMode.Overlapped"/> with <see cref="GradientActivityOptions.TrackWeightStatistics"/> on.</exception>
    /// <exception cref="InvalidOperationException">The tracked parameters are on more than one device, or not on the CPU with <see cref="TorchTrackingMode.Overlapped"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined value.</exception>
    /// <exception cref="TorchLoadException">libtorch could not be loaded.</exception>
    public static TorchActivityTracker Attach(
        nn.Module module, IActivitySink? sink = null, optim.Optimizer? optimizer = null, GradientActivityOptions? options = null, TorchTrackingMode mode = TorchTrackingMode.Auto, RunWriter? steps = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown tracking mode; use Auto, HostKernel, DeviceOps or Overlapped.");
        }

        options ??= new GradientActivityOptions();
        if (mode == TorchTrackingMode.Overlapped && options.TrackWeightStatistics)
        {
            // The norms need θ right before and right after optimizer.step(), both on the training thread: they cannot overlap
            // anything, and they are a large part of the cost (16 of the 36 bytes per parameter and step).
            throw new ArgumentException(
                "TorchTrackingMode.Overlapped needs GradientActivityOptions.TrackWeightStatistics = false: the weight and update norms read "
                + "the weights right before and after optimizer.step() on the training thread, so they cannot run in the background. "
                + "Set TrackWeightStatistics = false, or use TorchTrackingMode.HostKernel to keep the norms.",
                nameof(options));
        }

        steps ??= sink as RunWriter;
        if (steps is not null && options.RunId.Length == 0)
        {
            options = options with { RunId = steps.RunId };
        }

        return new TorchActivityTracker(module, optimizer, sink, steps, options, mode);
    }

    /// <summary>
    /// Tracks this step's gradients. Call after <c>loss.backward()</c> and before <c>optimizer.step()</c> (which may zero or
    /// change them).
    /// </summary>
    /// <param name="loss">The batch loss (e.g. <c>loss.item&lt;float&gt;()</c>).</param>
    /// <param name="learningRate">The learning rate; NaN reads it from the optimizer's parameter groups.</param>
    /// <returns>True when the step produced activity (warm-up is over).</returns>
    /// <exception cref="InvalidOperationException">A tracked parameter has no gradient (call after backward), or the tracker is disposed.</exception>
    public bool Observe(double loss, double learningRate = double.NaN)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CompleteBackgroundStep();
        WritePending();
        bool fromOptimizer = double.IsNaN(learningRate) && _groups.Length > 0;
        if (fromOptimizer)
        {
            learningRate = _groups[0].LearningRate;
        }

        // Every gradient is fetched before the step begins, so a missing one leaves the tracker as it was.
        FetchGradients();
        if (_overlap is not null && _held[_firstTracked] is not null)
        {
            int reused = ReusedGradient();
            if (reused < 0)
            {
                return HandOff(loss, learningRate, fromOptimizer);
            }

            FallBack(reused);
        }

        try
        {
            double stepMilliseconds = NextStep();
            _tracker.BeginStep(_step, Epoch, loss, learningRate);
            if (_devicePass is not null)
            {
                _devicePass.Step(_gradients);
            }
            else
            {
                for (int i = 0; i < _parameters.Length; i++)
                {
                    if (_tracked[i])
                    {
                        _tracker.AddGradient(i, CpuValues(_gradients[i]!, out Tensor? copy));
                        copy?.Dispose();
                    }
                }
            }

            _steps?.WriteStep(_step, Epoch, loss, learningRate, stepMilliseconds);
        }
        finally
        {
            for (int i = 0; i < _gradients.Length; i++)
            {
                if (_overlap is not null && _gradients[i] is { } kept)
                {
                    // The first step of an overlapped run: keep its gradients to compare the next step's memory with.
                    _held[i]?.Dispose();
                    _held[i] = kept;
                }
                else
                {
                    _gradients[i]?.Dispose();
                }

                _gradients[i] = null;
            }
        }

        bool active = _tracker.EndStep();
        if (fromOptimizer)
        {
            for (int layer = 0; layer < _groupOfLayer.Length; layer++)
            {
                _tracker.SetLearningRate(layer, _groups[_groupOfLayer[layer]].LearningRate);
            }
        }

        if (!active || _sink is null)
        {
            return active;
        }

        if (!_tracker.WantsWeights)
        {
            _tracker.WriteRecords(_sink);
            return active;
        }

        if (_devicePass is not null)
        {
            _devicePass.KeepWeightsBefore(_parameters);
        }
        else
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                if (_tracked[i])
                {
                    using Tensor detached = _parameters[i].detach();
                    _tracker.SetWeightsBeforeUpdate(i, CpuValues(detached, out Tensor? copy));
                    copy?.Dispose();
                }
            }
        }

        _pending = true;
        return active;
    }

    /// <summary>
    /// Reads the parameters again; call after <c>module.to(device)</c> or anything else that replaces them. The activity state
    /// follows the parameters to their new device (with <see cref="TorchTrackingMode.Auto"/> the pass switches between the host
    /// kernel and device operations as the device type changes).
    /// </summary>
    /// <exception cref="InvalidOperationException">The parameters now have other names or shapes than at attach, or are on more than one device.</exception>
    public void Refresh()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CompleteBackgroundStep();
        (string[] names, Parameter[] parameters, TrackedTensor[] layout) = ReadParameters(_module);
        if (!names.SequenceEqual(_names) || !layout.Select(t => t.Length).SequenceEqual(_tracker.Tensors.Select(t => t.Length)))
        {
            throw new InvalidOperationException(
                $"The module's parameters changed from [{string.Join(", ", _names)}] to [{string.Join(", ", names)}] (or their shapes did); attach a new tracker.");
        }

        _parameters = parameters;
        ChoosePass();
    }

    /// <summary>Writes the records of the last step if they wait for the update or for the background pass (see remarks); call after
    /// <c>optimizer.step()</c>.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CompleteBackgroundStep();
        WritePending();
    }

    /// <summary>Writes pending records and detaches.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            CompleteBackgroundStep();
            WritePending();
        }
        finally
        {
            _overlap?.Dispose();
            _overlap = null;
            ReleaseKept();
            _devicePass?.Dispose();
            _devicePass = null;
            _claim.Dispose();
            _disposed = true;
        }
    }

    /// <summary>The optimizer parameter group of each tracked layer (of its first tensor), matched by Parameter object; 0 when not found.</summary>
    private static int[] GroupOfLayer(GradientActivityTracker tracker, Parameter[] parameters, optim.ILearningRateController[] groups)
    {
        var result = new int[tracker.LayerCount];
        for (int layer = 0; layer < result.Length; layer++)
        {
            Parameter first = parameters[tracker.TensorsOfLayer(layer)[0]];
            for (int g = 0; g < groups.Length; g++)
            {
                if (groups[g] is TorchSharp.Modules.ParamGroup group && group.Parameters.Any(p => ReferenceEquals(p, first)))
                {
                    result[layer] = g;
                    break;
                }
            }
        }

        return result;
    }

    private static (string[] Names, Parameter[] Parameters, TrackedTensor[] Layout) ReadParameters(nn.Module module)
    {
        var names = new List<string>();
        var parameters = new List<Parameter>();
        var layout = new List<TrackedTensor>();
        foreach ((string name, Parameter p) in module.named_parameters())
        {
            if (!p.requires_grad)
            {
                continue;
            }

            if (p.dtype != ScalarType.Float32)
            {
                throw new ArgumentException($"Parameter '{name}' is {p.dtype}; the tracker reads float32 gradients. Train in float32 or leave it out with requires_grad = false.", nameof(module));
            }

            int dot = name.LastIndexOf('.');
            names.Add(name);
            parameters.Add(p);
            layout.Add(new TrackedTensor(dot > 0 ? name[..dot] : name, name, [.. p.shape.Select(d => checked((int)d))]));
        }

        if (names.Count == 0)
        {
            throw new ArgumentException($"{module.GetName()} has no trainable parameters to track.", nameof(module));
        }

        return ([.. names], [.. parameters], [.. layout]);
    }

    private void WritePending()
    {
        if (!_pending)
        {
            return;
        }

        _pending = false;
        if (_devicePass is not null)
        {
            _devicePass.AddWeightSquares(_parameters);
        }
        else
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                if (_tracked[i])
                {
                    using Tensor detached = _parameters[i].detach();
                    _tracker.SetWeightsAfterUpdate(i, CpuValues(detached, out Tensor? copy));
                    copy?.Dispose();
                }
            }
        }

        _tracker.WriteRecords(_sink!);
    }

    /// <summary>Fetches every tracked gradient into <see cref="_gradients"/>; a missing one throws and leaves nothing fetched.</summary>
    private void FetchGradients()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (!_tracked[i])
            {
                continue;
            }

            Tensor? g = _parameters[i].grad;
            if (g is null)
            {
                for (int k = 0; k < i; k++)
                {
                    _gradients[k]?.Dispose();
                    _gradients[k] = null;
                }

                throw new InvalidOperationException(
                    $"Step {_step + 1}: parameter '{_names[i]}' has no gradient. Call Observe after loss.backward() and before optimizer.zero_grad(); "
                    + "after module.to(…) call Refresh(); to skip parameters that never get a gradient, list the others in GradientActivityOptions.Layers.");
            }

            if (_overlap is not null)
            {
                // Kept beyond the user's dispose scope, which would dispose the wrapper with it.
                g.DetachFromDisposeScope();
            }

            _gradients[i] = g;
        }
    }

    /// <summary>The stopwatch and step counter of a new step; returns the milliseconds since the last one (NaN for the first).</summary>
    private double NextStep()
    {
        double stepMilliseconds = _clock.IsRunning ? _clock.Elapsed.TotalMilliseconds : double.NaN;
        _clock.Restart();
        _step++;
        return stepMilliseconds;
    }

    /// <summary>
    /// The first tracked parameter whose gradient the background pass cannot read safely — the memory of the one kept from the
    /// last step (zeroed in place), or not contiguous (a copy would hide such reuse) — or −1.
    /// </summary>
    private int ReusedGradient()
    {
        for (int i = 0; i < _gradients.Length; i++)
        {
            if (_tracked[i] && (!_gradients[i]!.is_contiguous() || _gradients[i]!.bytes.Overlaps(_held[i]!.bytes)))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Hands this step to the background thread: the gradients are kept, not copied; the rows follow at the next call.</summary>
    private bool HandOff(double loss, double learningRate, bool fromOptimizer)
    {
        bool active = _tracker.IsWarmedUp;   // what EndStep will return; the tracker is idle now
        double stepMilliseconds = NextStep();
        _workLoss = loss;
        _workRate = learningRate;
        _workStep = _step;
        _workEpoch = Epoch;
        _workFromOptimizer = fromOptimizer;
        if (fromOptimizer)
        {
            for (int layer = 0; layer < _groupOfLayer.Length; layer++)
            {
                _layerRates[layer] = _groups[_groupOfLayer[layer]].LearningRate;
            }
        }

        for (int i = 0; i < _gradients.Length; i++)
        {
            _current[i] = _gradients[i];
            _gradients[i] = null;
        }

        _overlappedSteps++;
        _overlap!.Start();
        _steps?.WriteStep(_step, Epoch, loss, learningRate, stepMilliseconds);
        return active;
    }

    /// <summary>The background thread's step: the host kernel reading g and, as g_prev, the kept gradient of the step before.</summary>
    private void RunBackgroundStep()
    {
        try
        {
            _tracker.BeginStep(_workStep, _workEpoch, _workLoss, _workRate);
            for (int i = 0; i < _current.Length; i++)
            {
                if (_tracked[i])
                {
                    _tracker.AddRetainedGradient(i, MemoryMarshal.Cast<byte, float>(_current[i]!.bytes), MemoryMarshal.Cast<byte, float>(_held[i]!.bytes));
                }
            }

            _tracker.EndStep();
            if (_workFromOptimizer)
            {
                for (int layer = 0; layer < _layerRates.Length; layer++)
                {
                    _tracker.SetLearningRate(layer, _layerRates[layer]);
                }
            }

            _rowsPending = true;
        }
        finally
        {
            // g_prev is no longer needed: free it now rather than at the next call (one gradient-sized tensor kept, not two).
            for (int i = 0; i < _current.Length; i++)
            {
                if (_current[i] is { } g)
                {
                    _held[i]?.Dispose();
                    _held[i] = g;
                    _current[i] = null;
                }
            }
        }
    }

    /// <summary>Waits for the background step, if any, and writes its rows (on the calling thread, in step order).</summary>
    private void CompleteBackgroundStep()
    {
        if (_overlap is null)
        {
            return;
        }

        _overlap.Join();
        if (_rowsPending)
        {
            _rowsPending = false;
            if (_sink is not null)
            {
                _tracker.WriteRecords(_sink);
            }
        }
    }

    /// <summary>A gradient was zeroed in place: track synchronously from now on and say so once.</summary>
    private void FallBack(int reused)
    {
        _overlap!.Dispose();
        _overlap = null;
        ReleaseKept();
        string message;
        bool contiguous = _gradients[reused]!.is_contiguous();
        if (!contiguous)
        {
            // g_prev of an overlapped run lives in the released tensors: after overlapped steps the history is gone.
            if (_overlappedSteps > 0)
            {
                _tracker.ResetHistory();
            }

            message = $"Overlapped tracking stopped at step {_step + 1}: the gradient of '{_names[reused]}' is not contiguous, so the background pass "
                + "cannot read it in place. Tracking continues synchronously" + (_overlappedSteps > 0 ? " and restarts its warm-up at this step." : ".");
        }
        else if (_overlappedSteps == 0)
        {
            message = $"Overlapped tracking stopped at step {_step + 1}: the gradient of '{_names[reused]}' is the same memory as in the step before, so the loop "
                + "zeroes gradients in place (optimizer.zero_grad()) and a background pass would race with it. Tracking continues synchronously "
                + "(nothing was lost: the first step always runs synchronously). To overlap, release gradients with module.zero_grad() instead.";
        }
        else
        {
            _tracker.ResetHistory();
            message = $"Overlapped tracking stopped at step {_step + 1}: the gradient of '{_names[reused]}' is the same memory as in step {_step}, so it was "
                + $"zeroed or changed in place while the background pass of step {_step} may still have been reading it; the activity of step {_step} may be wrong. "
                + "Tracking continues synchronously and restarts its warm-up at this step. Release gradients with module.zero_grad() throughout, "
                + "or use TorchTrackingMode.HostKernel.";
        }

        OverlapFallbackReason = message;
        Warning?.Invoke(this, message);
    }

    private void ReleaseKept()
    {
        for (int i = 0; i < _held.Length; i++)
        {
            _held[i]?.Dispose();
            _held[i] = null;
            _current[i]?.Dispose();
            _current[i] = null;
        }
    }

    /// <summary>For tests: switches the mode mid-run, moving the state (on a CPU-only machine the only way to exercise the move).</summary>
    internal void SwitchMode(TorchTrackingMode mode)
    {
        _mode = mode;
        ChoosePass();
    }

    /// <summary>
    /// Picks the pass for the parameters' device (at attach and after <see cref="Refresh"/>) and moves the state there: device
    /// to device with the state tensors, host to device and back through the tracker's host state.
    /// </summary>
    private void ChoosePass()
    {
        Device device = _parameters[0].device;
        for (int i = 1; i < _parameters.Length; i++)
        {
            if (_tracked[i] && !DeviceActivityPass.SameDevice(_parameters[i].device, device))
            {
                throw new InvalidOperationException(
                    $"Parameter '{_names[i]}' is on {_parameters[i].device} but '{_names[0]}' is on {device}; move the whole module with module.to(device) before tracking it.");
            }
        }

        if (_mode == TorchTrackingMode.Overlapped && device.type != DeviceType.CPU)
        {
            throw new InvalidOperationException(
                $"TorchTrackingMode.Overlapped reads gradients on the CPU, but the parameters are on {device}; use TorchTrackingMode.Auto or DeviceOps there.");
        }

        bool onDevice = _mode == TorchTrackingMode.DeviceOps || (_mode == TorchTrackingMode.Auto && device.type != DeviceType.CPU);
        if (onDevice && _devicePass is null)
        {
            // A pending update still needs the host copy of the weights before it: write it first.
            WritePending();
            _devicePass = DeviceActivityPass.Create(_tracker, _tracked, device);
        }
        else if (onDevice)
        {
            _devicePass!.MoveTo(device);
        }
        else if (_devicePass is not null)
        {
            WritePending();
            _devicePass.CopyStateToHost();
            _devicePass.Dispose();
            _devicePass = null;
        }
    }

    /// <summary>The values of a tensor on the host: in place for a contiguous CPU tensor, else through a copy the caller disposes.</summary>
    private static ReadOnlySpan<float> CpuValues(Tensor t, out Tensor? copy)
    {
        if (t.device_type == DeviceType.CPU && t.is_contiguous())
        {
            copy = null;
            return MemoryMarshal.Cast<byte, float>(t.bytes);
        }

        using Tensor host = t.cpu();
        copy = host.contiguous();
        return MemoryMarshal.Cast<byte, float>(copy.bytes);
    }
}
