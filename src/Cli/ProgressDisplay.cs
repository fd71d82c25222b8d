using System.Diagnostics;
using System.Globalization;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Cli;

/// <summary>
/// What <c>mlgi train</c> shows while it trains: one result line per epoch on stdout as each epoch ends, and, when
/// stderr is a terminal, one live status line there that always fits the terminal width (segments are dropped from
/// the least important up: bar, activity per layer, the advisor's shape → action, ETA, speed…); with tracking, a line
/// above it each time the advisor's shape or top action changes (<see cref="Note"/>). The bar shows the steps done, so a stopped run
/// never jumps to 100 %.
/// </summary>
/// <remarks>
/// Hand-written rather than Spectre.Console's <c>Progress</c>: that renders a fixed set of columns (wrapping the
/// description when the terminal is narrow) and cannot print a line per epoch above itself from the training
/// thread; a single <c>\r</c>-redrawn line does both, costs nothing per step when not drawn, and never wraps.
/// </remarks>
internal sealed class ProgressDisplay
{
    private const string ClearLine = "\r\u001b[K";
    private readonly CliConsole _console;
    private readonly long _totalSteps;
    private readonly int _epochs;
    private readonly bool _classification;
    private readonly Func<IReadOnlyList<string>>? _activity;
    private readonly TimeSpan _refresh;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastDraw = TimeSpan.FromDays(-1);
    private double _loss = double.NaN, _accuracy = double.NaN;
    private long _step, _previousEpochSteps;
    private int _epoch = 1;
    private bool _drawn;

    /// <summary>Creates the display.</summary>
    /// <param name="console">The console.</param>
    /// <param name="totalSteps">Steps of the whole run.</param>
    /// <param name="epochs">Epochs of the whole run.</param>
    /// <param name="classification">Whether accuracy is meaningful.</param>
    /// <param name="activity">The activity segments of the last step (network first), or null without tracking.</param>
    /// <param name="refresh">The least time between two redraws of the live line.</param>
    public ProgressDisplay(CliConsole console, long totalSteps, int epochs, bool classification, Func<IReadOnlyList<string>>? activity, TimeSpan refresh)
    {
        _console = console;
        _totalSteps = totalSteps;
        _epochs = epochs;
        _classification = classification;
        _activity = activity;
        _refresh = refresh;
    }

    /// <summary>Records one finished step; redraws the live line at most every refresh interval.</summary>
    /// <param name="c">The step.</param>
    public void OnStep(in TrainingStepContext c) => Record(c.Step, c.Epoch, c.Loss, c.Correct, c.BatchSize);

    /// <summary>Records one finished step (the values of a <see cref="TrainingStepContext"/>).</summary>
    /// <param name="step">The global step.</param>
    /// <param name="epoch">The epoch.</param>
    /// <param name="loss">The batch loss.</param>
    /// <param name="correct">Correct predictions in the batch, or −1 for regression.</param>
    /// <param name="batchSize">The batch size.</param>
    internal void Record(long step, int epoch, double loss, int correct, int batchSize)
    {
        _step = step;
        _epoch = epoch;
        _loss = double.IsNaN(_loss) ? loss : (0.98 * _loss) + (0.02 * loss);
        if (correct >= 0)
        {
            double batchAccuracy = (double)correct / batchSize;
            _accuracy = double.IsNaN(_accuracy) ? batchAccuracy : (0.98 * _accuracy) + (0.02 * batchAccuracy);
        }

        if (_console.Live && _clock.Elapsed - _lastDraw >= _refresh)
        {
            Draw();
        }
    }

    /// <summary>Writes the epoch's results as a line on stdout.</summary>
    /// <param name="e">The epoch.</param>
    public void OnEpoch(EpochSummary e)
    {
        double seconds = e.Seconds; // Seconds is per epoch, Steps cumulative
        double rate = seconds > 0 ? (e.Steps - _previousEpochSteps) / seconds : 0;
        _previousEpochSteps = e.Steps;
        string train = _classification ? FormattableString.Invariant($"train loss {e.TrainLoss:F4} acc {e.TrainAccuracy:P2}") : FormattableString.Invariant($"train loss {e.TrainLoss:F4}");
        string test = double.IsNaN(e.ValidationLoss) ? "" : _classification
            ? FormattableString.Invariant($"  test loss {e.ValidationLoss:F4} acc {e.ValidationAccuracy:P2}")
            : FormattableString.Invariant($"  test loss {e.ValidationLoss:F4}");
        Clear();
        _console.Line(FormattableString.Invariant($"epoch {e.Epoch}/{_epochs}: {train}{test}  ({seconds:F1} s, {rate:F0} steps/s)"));
        if (_console.Live && e.Epoch < _epochs)
        {
            Draw();
        }
    }

    /// <summary>Writes a line on stdout above the live line (the advisor's news: shape, top action, learning-rate changes).</summary>
    /// <param name="line">The line.</param>
    public void Note(string line)
    {
        Clear();
        _console.Line(line);
        if (_console.Live)
        {
            Draw();
        }
    }

    /// <summary>Removes the live line (before the final messages).</summary>
    public void Clear()
    {
        if (_drawn)
        {
            _console.Error.Write(ClearLine);
            _drawn = false;
        }
    }

    /// <summary>The live line for a given width (also used by tests).</summary>
    /// <param name="width">The terminal width.</param>
    /// <returns>The line, at most <paramref name="width"/> − 1 characters (the last column is left free so no terminal wraps).</returns>
    internal string Format(int width)
    {
        int budget = width - 1;
        double elapsed = _clock.Elapsed.TotalSeconds;
        double rate = elapsed > 0 ? _step / elapsed : 0;
        double fraction = _totalSteps > 0 ? Math.Clamp((double)_step / _totalSteps, 0, 1) : 0;
        var head = new List<string>
        {
            FormattableString.Invariant($"epoch {_epoch}/{_epochs}"),
            FormattableString.Invariant($"step {_step}/{_totalSteps}"),
        };
        var optional = new List<string>();
        optional.Add(FormattableString.Invariant($"{fraction * 100:F0}%"));
        if (!double.IsNaN(_loss))
        {
            optional.Add(FormattableString.Invariant($"loss {_loss:F4}"));
        }

        if (!double.IsNaN(_accuracy))
        {
            optional.Add(FormattableString.Invariant($"acc {_accuracy * 100:F1}%"));
        }

        optional.Add(FormattableString.Invariant($"{rate:F0} steps/s"));
        if (rate > 0 && _step < _totalSteps)
        {
            optional.Add("ETA " + FormatDuration((_totalSteps - _step) / rate));
        }

        if (_activity is not null)
        {
            optional.AddRange(_activity());
        }

        string line = string.Join("  ", head);
        if (line.Length > budget)
        {
            return line[..budget];
        }

        foreach (string segment in optional)
        {
            if (line.Length + 2 + segment.Length <= budget)
            {
                line += "  " + segment;
            }
            else
            {
                break;
            }
        }

        int room = budget - line.Length - 4;
        if (room >= 10)
        {
            int barWidth = Math.Min(30, room);
            int filled = (int)(fraction * barWidth);
            line += "  [" + new string('#', filled) + new string('.', barWidth - filled) + "]";
        }

        return line;
    }

    private static string FormatDuration(double seconds) =>
        seconds >= 3600
            ? TimeSpan.FromSeconds(seconds).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : TimeSpan.FromSeconds(seconds).ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private void Draw()
    {
        _lastDraw = _clock.Elapsed;
        _console.Error.Write(ClearLine + Format(_console.Width));
        _drawn = true;
    }
}
