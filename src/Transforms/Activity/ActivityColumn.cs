namespace MLGradientInsight.Transforms.Activity;

/// <summary>
/// One column of the activity trace (<see cref="ActivityRecord"/>), as the run store, the trace CSV and the
/// <c>IDataView</c> schema all name and type it. The list is <see cref="ActivityColumns.All"/>.
/// </summary>
/// <param name="Index">The position in <see cref="ActivityColumns.All"/> (the CSV column order).</param>
/// <param name="Name">The column name in the store, the CSV header and the <c>IDataView</c> (<c>mean_change</c>).</param>
/// <param name="Property">The <see cref="ActivityRecord"/> property it holds (<c>MeanChange</c>).</param>
/// <param name="Type">The value type.</param>
/// <param name="RequiredInTrace">Whether a trace CSV must have the column.</param>
/// <param name="Description">What the value means, for documentation and error messages.</param>
public sealed record ActivityColumn(int Index, string Name, string Property, ActivityColumnType Type, bool RequiredInTrace, string Description)
{
    /// <summary>Gets the column's name in the store's <c>activity</c> table (<c>run_id</c> for <see cref="ActivityColumns.Run"/>).</summary>
    public string StoreName => Index == ActivityColumns.Run ? "run_id" : Name;

    /// <summary>Gets the SQL type and constraints of the column in the store's <c>activity</c> table.</summary>
    internal string StoreDefinition => Index switch
    {
        ActivityColumns.Run => "TEXT    NOT NULL REFERENCES runs(id) ON DELETE CASCADE",
        ActivityColumns.NonFiniteCount => "INTEGER NOT NULL DEFAULT 0",
        _ => Type switch
        {
            ActivityColumnType.Text => "TEXT    NOT NULL",
            ActivityColumnType.Int32 or ActivityColumnType.Int64 => "INTEGER NOT NULL",
            _ => "REAL",
        },
    };
}
