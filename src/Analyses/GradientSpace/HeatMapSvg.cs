using System.Globalization;
using System.Security;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// Writes a 2-D map (an <see cref="GradientImportanceResult.ImportanceMap"/>) as an SVG grid of grey cells, darkest for the largest value (colours shared with <see cref="HeatMapPng"/>).
/// </summary>
/// <remarks>Hand-written because a heat map of a few hundred rectangles is a dozen lines of SVG; a charting library would add a browser
/// or a native dependency for nothing. <see cref="HeatMapPng"/> writes the same map, in the same colours, as a PNG.</remarks>
public static class HeatMapSvg
{
    /// <summary>Writes the map.</summary>
    /// <param name="map">The values, [row, column]; NaN cells are drawn red.</param>
    /// <param name="writer">Where the SVG text goes.</param>
    /// <param name="title">A title written above the grid (escaped).</param>
    /// <param name="cellSize">Pixels per cell.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cellSize"/> is not positive.</exception>
    public static void Write(float[,] map, TextWriter writer, string title, int cellSize = 12)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cellSize);
        int rows = map.GetLength(0), columns = map.GetLength(1);
        HeatMapScale scale = HeatMapScale.Of(map);

        const int Header = 20;
        int width = columns * cellSize, height = (rows * cellSize) + Header;
        CultureInfo c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"));
        writer.WriteLine(string.Create(c, $"<text x=\"2\" y=\"14\" font-family=\"sans-serif\" font-size=\"11\">{SecurityElement.Escape(title)}</text>"));
        for (int r = 0; r < rows; r++)
        {
            for (int col = 0; col < columns; col++)
            {
                float v = map[r, col];
                string fill = "red";
                if (float.IsFinite(v))
                {
                    (byte level, _, _) = scale.Colour(v);
                    fill = string.Create(c, $"rgb({level},{level},{level})");
                }

                writer.WriteLine(string.Create(c, $"<rect x=\"{col * cellSize}\" y=\"{Header + (r * cellSize)}\" width=\"{cellSize}\" height=\"{cellSize}\" fill=\"{fill}\"><title>[{r},{col}] {v:G4}</title></rect>"));
            }
        }

        writer.WriteLine("</svg>");
    }
}
