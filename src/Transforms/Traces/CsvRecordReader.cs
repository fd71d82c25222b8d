using System.Text;

namespace MLGradientInsight.Transforms.Traces;

/// <summary>
/// Reads RFC 4180 records: comma-separated fields, fields in double quotes may hold commas, line breaks and
/// doubled quotes (<c>""</c>). CRLF and LF line ends are accepted. Empty lines are skipped.
/// </summary>
internal sealed class CsvRecordReader
{
    private readonly TextReader _reader;
    private readonly string _source;
    private readonly StringBuilder _field = new();
    private int _line = 1;

    public CsvRecordReader(TextReader reader, string source)
    {
        _reader = reader;
        _source = source;
    }

    /// <summary>Reads the next record into <paramref name="fields"/>.</summary>
    /// <param name="fields">Receives the fields (cleared first).</param>
    /// <param name="line">Receives the 1-based line where the record starts.</param>
    /// <returns>False at the end of the input.</returns>
    /// <exception cref="TraceFormatException">A quoted field is not closed, or text follows a closing quote.</exception>
    public bool Read(List<string> fields, out int line)
    {
        fields.Clear();
        while (true)
        {
            line = _line;
            int c = _reader.Peek();
            if (c < 0)
            {
                return false;
            }

            if (c == '\r' || c == '\n')
            {
                // An empty line: skip it.
                ReadLineEnd();
                continue;
            }

            break;
        }

        while (true)
        {
            _field.Clear();
            int c = _reader.Peek();
            if (c == '"')
            {
                _reader.Read();
                ReadQuoted(line, fields.Count + 1);
                c = _reader.Peek();
                if (c >= 0 && c != ',' && c != '\r' && c != '\n')
                {
                    throw new TraceFormatException(_source, line, fields.Count + 1, null,
                        $"text follows the closing quote of a quoted cell. Inside quotes write a quote as two quotes (\"\"), e.g. \"fc \"\"1\"\"\".");
                }
            }
            else
            {
                while (c >= 0 && c != ',' && c != '\r' && c != '\n')
                {
                    _field.Append((char)_reader.Read());
                    c = _reader.Peek();
                }
            }

            fields.Add(_field.ToString());
            if (c == ',')
            {
                _reader.Read();
                continue;
            }

            if (c >= 0)
            {
                ReadLineEnd();
            }

            return true;
        }
    }

    private void ReadQuoted(int line, int column)
    {
        while (true)
        {
            int c = _reader.Read();
            if (c < 0)
            {
                throw new TraceFormatException(_source, line, column, null,
                    "a quoted cell is not closed before the end of the file. Add the closing quote (\"), and write quotes inside the cell as two quotes (\"\").");
            }

            if (c == '"')
            {
                if (_reader.Peek() == '"')
                {
                    _reader.Read();
                    _field.Append('"');
                    continue;
                }

                return;
            }

            if (c == '\n')
            {
                _line++;
            }
            else if (c == '\r')
            {
                if (_reader.Peek() == '\n')
                {
                    _reader.Read();
                    _field.Append('\r');
                    c = '\n';
                }

                _line++;
            }

            _field.Append((char)c);
        }
    }

    private void ReadLineEnd()
    {
        int c = _reader.Read();
        if (c == '\r' && _reader.Peek() == '\n')
        {
            _reader.Read();
        }

        _line++;
    }
}
