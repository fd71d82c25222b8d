namespace MLGradientInsight.Cli;

/// <summary>An <see cref="IProgress{T}"/> that calls its action on the reporting thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool in a console app).</summary>
/// <typeparam name="T">The progress value.</typeparam>
/// <param name="report">What to do with each report.</param>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
