namespace MLGradientInsight.Trainers.Torch.Tracking;

/// <summary>Where <see cref="TorchActivityTracker"/> runs the per-element pass of the activity algorithm (000 §3.3).</summary>
public enum TorchTrackingMode
{
    /// <summary>The host kernel for parameters on the CPU, <see cref="DeviceOps"/> for parameters on any other device (CUDA).</summary>
    Auto,

    /// <summary>
    /// The fused host kernel of the managed tracker on the gradients' memory read in place (CPU tensors; tensors on another
    /// device are copied to the host first, one copy per tensor per step).
    /// </summary>
    HostKernel,

    /// <summary>
    /// libtorch operations on the parameters' device: g_prev and M live there, the per-layer sums are computed there and copied
    /// to the host once per step. Chosen by <see cref="Auto"/> off the CPU; on the CPU it runs libtorch's multithreaded kernels.
    /// </summary>
    DeviceOps,

    /// <summary>
    /// The host kernel on one background thread, off the training thread's critical path: <see cref="TorchActivityTracker.Observe"/>
    /// keeps a reference to each gradient (no copy), hands the step to the worker and returns; the worker's pass overlaps the
    /// loop's <c>optimizer.step()</c>, forward and backward, and the next call waits for it. The previous step's gradient tensor is
    /// g_prev, so the pass moves 16 bytes per parameter instead of 20. Costs one gradient-sized tensor kept alive. CPU parameters
    /// only; needs <see cref="Transforms.Activity.GradientActivityOptions.TrackWeightStatistics"/> = false and a loop that releases
    /// its gradients with <c>module.zero_grad()</c> (set_to_none) rather than zeroing them in place (<c>optimizer.zero_grad()</c>):
    /// the first step runs synchronously, and when a later step's gradient is the same memory as the one kept, the tracker
    /// falls back to <see cref="HostKernel"/> for the rest of the run (<see cref="TorchActivityTracker.OverlapFallbackReason"/>,
    /// <see cref="TorchActivityTracker.Warning"/>).
    /// </summary>
    Overlapped,
}

