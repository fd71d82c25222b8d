using System.Globalization;
using System.Text;

namespace MLGradientInsight.Trainers.Data;

/// <summary>
/// Reads a CSV file of numeric feature columns and one label column into a <see cref="Dataset"/>.
/// </summary>
/// <remarks>
/// <para>Numbers use the invariant culture ('.' decimal separator, optional exponent). Cells may be
/// quoted with '"' (a doubled quote inside stands for one quote); quoted cells cannot span lines.
/// Blank lines are skipped. Every row must have as many cells as the first row.</para>
/// <para>Classification labels: when they are all integers forming exactly 0..C−1 they are used
/// as class indices; otherwise the distinct labels are sorted (numerically when all are numbers,
/// else ordinally as text) and numbered 0..C−1 in that order (<see cref="CsvDataset.ClassLabels"/>).</para>
/// </remarks>
public static class CsvDatasetReader
{
    /// <summary>Reads a file with default options (header, label in the last column, classification).</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The dataset and its names.</returns>
    /// <exception cref="DataFormatException">The file is missing, empty or malformed; the message names the line, column and fix.</exception>
    public static CsvDataset Read(string path) => Read(path, new CsvReaderOptions());

    /// <summary>Reads a file.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">The options.</param>
    /// <returns>The dataset and its names.</returns>
    /// <exception cref="DataFormatException">The file is missing, empty or malformed; the message names the line, column and fix.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public static CsvDataset Read(string path, CsvReaderOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!File.Exists(path))
        {
            throw DataFormatException.InFile(path, "the CSV file does not exist; check the path.");
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, options);
    }

    /// <summary>Reads CSV text from a reader.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages (a file path).</param>
    /// <param name="options">The options.</param>
    /// <returns>The dataset and its names.</returns>
    /// <exception cref="DataFormatException">The text is empty or malformed; the message names the line, column and fix.</exception>
    public static CsvDataset Read(TextReader reader, string sourceName, CsvReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var cells = new List<string>();
        string[]? header = null;
        int width = -1, labelIndex = -1, headerLine = 0;
        var features = new List<float>();
        var labels = new List<(string Text, int Line, int Column)>();
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Split(line, options.Delimiter, sourceName, lineNumber, cells);
            if (width < 0)
            {
                width = cells.Count;
                if (width < 2)
                {
                    throw DataFormatException.AtLine(sourceName, lineNumber, null,
                        $"the first row has {width} cell; a dataset needs at least one feature column and one label column separated by '{options.Delimiter}'. "
                        + "Check the delimiter (CsvReaderOptions.Delimiter).");
                }

                if (options.HasHeader)
                {
                    header = [.. cells];
                    headerLine = lineNumber;
                }

                labelIndex = ResolveLabelColumn(header, width, options, sourceName, lineNumber);
                if (options.HasHeader)
                {
                    continue;
                }
            }

            if (cells.Count != width)
            {
                throw DataFormatException.AtLine(sourceName, lineNumber, null,
                    $"the row has {cells.Count} cells but {(header is null ? "the first row" : $"the header (line {headerLine})")} has {width}; "
                    + $"every row needs the same number of '{options.Delimiter}'-separated cells. Fill in or remove the missing/extra cells.");
            }

            for (int c = 0; c < width; c++)
            {
                if (c == labelIndex)
                {
                    labels.Add((cells[c], lineNumber, c + 1));
                    continue;
                }

                features.Add(ParseNumber(cells[c], sourceName, lineNumber, c, header, "feature"));
            }
        }

        if (width < 0)
        {
            throw DataFormatException.InFile(sourceName,
                "the file is empty; expected " + (options.HasHeader ? "a header line and " : string.Empty) + "at least one data row.");
        }

        if (labels.Count == 0)
        {
            throw DataFormatException.AtLine(sourceName, headerLine, null, "the file has a header but no data rows; add at least one row below the header.");
        }

        string[] names = header ?? [.. Enumerable.Range(1, width).Select(i => "column" + i.ToString(CultureInfo.InvariantCulture))];
        string[] featureNames = [.. names.Where((_, i) => i != labelIndex)];
        int n = labels.Count;
        var featureTensor = new Tensor([.. features], n, width - 1);
        string name = options.Name ?? Path.GetFileNameWithoutExtension(sourceName);
        if (string.IsNullOrWhiteSpace(name))
        {
            name = "csv";
        }

        if (options.Task == CsvTask.Regression)
        {
            var targets = new Tensor(n, 1);
            for (int i = 0; i < n; i++)
            {
                targets.Span[i] = ParseNumber(labels[i].Text, sourceName, labels[i].Line, labels[i].Column - 1, header, "regression target");
            }

            return new CsvDataset(new Dataset(name, featureTensor, targets, 0), featureNames, names[labelIndex], []);
        }

        (float[] classes, string[] classLabels) = MapClasses(labels);
        return new CsvDataset(new Dataset(name, featureTensor, new Tensor(classes, n), classLabels.Length), featureNames, names[labelIndex], classLabels);
    }

    private static int ResolveLabelColumn(string[]? header, int width, CsvReaderOptions options, string sourceName, int lineNumber)
    {
        if (options.LabelColumn is string labelName)
        {
            int index = Array.IndexOf(header!, labelName);
            if (index < 0)
            {
                int caseless = Array.FindIndex(header!, h => string.Equals(h, labelName, StringComparison.OrdinalIgnoreCase));
                string hint = caseless >= 0 ? $" Did you mean '{header![caseless]}' (names are case-sensitive)?" : string.Empty;
                throw DataFormatException.AtLine(sourceName, lineNumber, null,
                    $"the header has no label column named '{labelName}'. Columns are: {string.Join(", ", header!.Select(h => "'" + h + "'"))}.{hint}");
            }

            return index;
        }

        int i = options.LabelColumnIndex < 0 ? width + options.LabelColumnIndex : options.LabelColumnIndex;
        if (i < 0 || i >= width)
        {
            throw DataFormatException.AtLine(sourceName, lineNumber, null,
                $"label column index {options.LabelColumnIndex} is out of range: the rows have {width} cells (indices 0..{width - 1}, or −1 for the last). Set CsvReaderOptions.LabelColumnIndex or LabelColumn.");
        }

        return i;
    }

    private static float ParseNumber(string cell, string sourceName, int line, int column, string[]? header, string role)
    {
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
        {
            return (float)value;
        }

        string columnName = header is null ? string.Empty : $" ('{header[column]}')";
        string fix = cell.Contains(',', StringComparison.Ordinal) && !cell.Contains('.', StringComparison.Ordinal)
            ? " Use '.' as the decimal separator (invariant culture), not ','."
            : " Replace it with a finite number written with '.' as the decimal separator, or remove the row.";
        string what = cell.Length == 0 ? "is empty" : $"'{cell}' is not a finite number";
        throw DataFormatException.AtLine(sourceName, line, column + 1, $"the {role} cell in column {column + 1}{columnName} {what}.{fix}");
    }

    private static (float[] Classes, string[] Labels) MapClasses(List<(string Text, int Line, int Column)> labels)
    {
        string[] distinct = [.. labels.Select(l => l.Text).Distinct(StringComparer.Ordinal)];
        bool allIntegers = distinct.All(s => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        bool allNumbers = distinct.All(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d));
        string[] ordered;
        if (allIntegers && distinct.Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order().SequenceEqual(Enumerable.Range(0, distinct.Length))
            && distinct.Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Distinct().Count() == distinct.Length)
        {
            ordered = [.. distinct.OrderBy(s => int.Parse(s, CultureInfo.InvariantCulture))];
        }
        else if (allNumbers)
        {
            ordered = [.. distinct.OrderBy(s => double.Parse(s, CultureInfo.InvariantCulture)).ThenBy(s => s, StringComparer.Ordinal)];
        }
        else
        {
            ordered = [.. distinct.Order(StringComparer.Ordinal)];
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ordered.Length; i++)
        {
            index[ordered[i]] = i;
        }

        float[] classes = new float[labels.Count];
        for (int i = 0; i < classes.Length; i++)
        {
            classes[i] = index[labels[i].Text];
        }

        return (classes, ordered);
    }

    /// <summary>Splits one line into trimmed cells, honouring double quotes.</summary>
    private static void Split(string line, char delimiter, string sourceName, int lineNumber, List<string> cells)
    {
        cells.Clear();
        var cell = new StringBuilder();
        int i = 0;
        while (true)
        {
            cell.Clear();
            while (i < line.Length && line[i] is ' ' or '\t' && line[i] != delimiter)
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                int start = i;
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw DataFormatException.AtLine(sourceName, lineNumber, start + 1,
                            "a quoted cell is not closed; add the closing '\"' (cells cannot span lines; write a quote inside a cell as \"\").");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            cell.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    cell.Append(line[i++]);
                }

                while (i < line.Length && line[i] != delimiter)
                {
                    if (!char.IsWhiteSpace(line[i]))
                    {
                        throw DataFormatException.AtLine(sourceName, lineNumber, i + 1,
                            $"unexpected '{line[i]}' after a quoted cell; put the delimiter '{delimiter}' right after the closing quote.");
                    }

                    i++;
                }

                cells.Add(cell.ToString());
            }
            else
            {
                int start = i;
                while (i < line.Length && line[i] != delimiter)
                {
                    i++;
                }

                cells.Add(line[start..i].Trim());
            }

            if (i >= line.Length)
            {
                return;
            }

            i++; // skip the delimiter
        }
    }
}
