using System.Text.Json.Serialization;

namespace MLGradientInsight.Reports.Model;

/// <summary>
/// A piece of a report contributed by an analysis (see <see cref="IReportContributor"/>). The report and the dashboard
/// draw every panel kind; a new analysis adds its results by returning panels, without touching the HTML.
/// </summary>
/// <remarks>
/// Kinds: <see cref="StepWindowsPanel"/> (classifier windows, shaded on the network-activity chart),
/// <see cref="StepMarkersPanel"/> (advisor actions, marked on the activity and loss charts), <see cref="LinesPanel"/>
/// (curves over any x: loss along the linear path per layer), <see cref="BarsPanel"/> (one value per category: distance
/// travelled per layer, damage when a layer is reset), <see cref="ScatterPanel"/> (a 2-D picture coloured by
/// a value: the weight trajectory coloured by loss), <see cref="ImagePanel"/> (a matrix as an image: first-layer
/// importance) and <see cref="TextPanel"/> (a diagnosis with its evidence).
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(StepWindowsPanel), "windows")]
[JsonDerivedType(typeof(StepMarkersPanel), "markers")]
[JsonDerivedType(typeof(LinesPanel), "lines")]
[JsonDerivedType(typeof(BarsPanel), "bars")]
[JsonDerivedType(typeof(ScatterPanel), "scatter")]
[JsonDerivedType(typeof(ImagePanel), "image")]
[JsonDerivedType(typeof(TextPanel), "text")]
public abstract record ReportPanel
{
    /// <summary>Gets the panel title.</summary>
    public string Title { get; init; } = "";

    /// <summary>Gets an optional caption: what the panel shows and how it was computed.</summary>
    public string? Caption { get; init; }
}

/// <summary>Step ranges labelled by a classifier (e.g. the 000 §4 shapes), shaded on the network-activity chart by label.</summary>
public sealed record StepWindowsPanel : ReportPanel
{
    /// <summary>Gets the windows.</summary>
    public IReadOnlyList<StepWindow> Windows { get; init; } = [];
}

/// <summary>A labelled range of steps.</summary>
/// <param name="StartStep">First step (inclusive).</param>
/// <param name="EndStep">Last step (inclusive).</param>
/// <param name="Label">The shape or class (windows with the same label share a colour).</param>
/// <param name="Detail">Optional detail (confidence, evidence).</param>
public sealed record StepWindow(long StartStep, long EndStep, string Label, string? Detail = null);

/// <summary>Events at single steps (e.g. the advisor's actions), marked with vertical lines on the step charts.</summary>
public sealed record StepMarkersPanel : ReportPanel
{
    /// <summary>Gets the markers.</summary>
    public IReadOnlyList<StepMarker> Markers { get; init; } = [];
}

/// <summary>An event at one step.</summary>
/// <param name="Step">The step.</param>
/// <param name="Label">Short label (e.g. "lr × 2").</param>
/// <param name="Detail">Optional detail.</param>
public sealed record StepMarker(long Step, string Label, string? Detail = null);

/// <summary>Curves over a shared x axis (not necessarily steps), e.g. loss along the linear path per layer.</summary>
public sealed record LinesPanel : ReportPanel
{
    /// <summary>Gets the x-axis label.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Gets the y-axis label.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Gets a value indicating whether the y axis is logarithmic (non-positive values are then not drawn).</summary>
    public bool LogY { get; init; }

    /// <summary>Gets the curves.</summary>
    public IReadOnlyList<ReportSeries> Series { get; init; } = [];
}

/// <summary>Values per category drawn as grouped bars, e.g. the distance each layer travelled (002) or the damage of resetting it.</summary>
public sealed record BarsPanel : ReportPanel
{
    /// <summary>Gets the categories along x (e.g. layer names), in display order.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Gets the y-axis label.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Gets the bar groups: one bar per category in each (NaN where a category has no value; not drawn).</summary>
    public IReadOnlyList<BarSeries> Series { get; init; } = [];
}

/// <summary>One value per category of a <see cref="BarsPanel"/>.</summary>
/// <param name="Name">The legend name.</param>
/// <param name="Values">The values, one per category (NaN/±∞ are not drawn).</param>
public sealed record BarSeries(string Name, double[] Values);

/// <summary>Points in a plane coloured by a value, e.g. a weight trajectory projected to 2-D and coloured by loss (001).</summary>
public sealed record ScatterPanel : ReportPanel
{
    /// <summary>Gets the x-axis label.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Gets the y-axis label.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Gets the label of the colour value.</summary>
    public string ColorLabel { get; init; } = "";

    /// <summary>Gets the x coordinates.</summary>
    public double[] X { get; init; } = [];

    /// <summary>Gets the y coordinates (same length as <see cref="X"/>).</summary>
    public double[] Y { get; init; } = [];

    /// <summary>Gets the colour values (same length as <see cref="X"/>), mapped low = blue to high = red.</summary>
    public double[] Color { get; init; } = [];
}

/// <summary>A matrix drawn as an image, e.g. first-layer input importance as a 28×28 picture.</summary>
public sealed record ImagePanel : ReportPanel
{
    /// <summary>Gets the width in pixels (columns).</summary>
    public int Width { get; init; }

    /// <summary>Gets the height in pixels (rows).</summary>
    public int Height { get; init; }

    /// <summary>Gets the values, row-major (<c>Width × Height</c>), mapped from the smallest (dark) to the largest (bright).</summary>
    public double[] Values { get; init; } = [];

    /// <summary>Gets the label of the values.</summary>
    public string ValueLabel { get; init; } = "";

    /// <summary>Gets the image as a base64 PNG when the analysis draws its own (then shown as is, so it matches the analysis's
    /// own image files); null to draw <see cref="Values"/> from dark (smallest) to bright (largest).</summary>
    public string? PngBase64 { get; init; }

    /// <summary>Gets how to read the colours of <see cref="PngBase64"/> (e.g. "darker = more important; red = not finite").</summary>
    public string? ColorKey { get; init; }
}

/// <summary>A statement with its evidence, e.g. the classifier's diagnosis (drawn in the run's summary).</summary>
public sealed record TextPanel : ReportPanel
{
    /// <summary>Gets the statement.</summary>
    public string Text { get; init; } = "";

    /// <summary>Gets the evidence, one line each.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];
}
