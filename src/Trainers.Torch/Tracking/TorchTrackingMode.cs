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
}
