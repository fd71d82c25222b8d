using System.Diagnostics.CodeAnalysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLGradientInsight.Transforms.DataView;

/// <summary>A forward-only cursor over a fixed snapshot of rows, with typed getters per active column.</summary>
internal abstract class ActivityCursor : DataViewRowCursor
{
    private readonly bool[] _active;
    private long _position = -1;
    private bool _disposed;

    protected ActivityCursor(DataViewSchema schema, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        Schema = schema;
        _active = new bool[schema.Count];
        foreach (DataViewSchema.Column column in columnsNeeded)
        {
            _active[column.Index] = true;
        }
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public override long Batch => 0;

    protected bool[] Active => _active;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override bool MoveNext()
    {
        if (_disposed || !Advance())
        {
            return false;
        }

        _position++;
        return true;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index >= _active.Length || Schema[column.Index].Name != column.Name)
        {
            ThrowSchema($"Column '{column.Name}' is not a column of this activity view (its columns: {string.Join(", ", Schema.Select(c => c.Name))}).");
        }

        if (!_active[column.Index])
        {
            ThrowSchema($"Column '{column.Name}' was not requested when the cursor was created; include it in the columns passed to GetRowCursor.");
        }

        Type expected = Schema[column.Index].Type.RawType;
        if (typeof(TValue) != expected)
        {
            ThrowSchema($"Column '{column.Name}' holds {Schema[column.Index].Type} values; ask for a getter of {expected.Name}, not {typeof(TValue).Name}.");
        }

        return (ValueGetter<TValue>)MakeGetter(column.Index);
    }

    protected abstract bool Advance();

    protected abstract Delegate MakeGetter(int column);

    protected void CheckRow()
    {
        if (_position < 0)
        {
            ThrowSchema("The cursor is before the first row; call MoveNext first.");
        }
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    [DoesNotReturn]
    private static void ThrowSchema(string message) => throw new InvalidOperationException(message);
}
