namespace MLGradientInsight.Trainers.Torch;

/// <summary>libtorch (TorchSharp's native backend) could not be loaded; the message says why and what to install.</summary>
public sealed class TorchLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why libtorch did not load and how to fix it.</param>
    /// <param name="innerException">TorchSharp's own error.</param>
    public TorchLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TorchLoadException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public TorchLoadException(string message)
        : base(message)
    {
    }
}
