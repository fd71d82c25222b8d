using FsCheck;
using FsCheck.Fluent;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Tests.Store;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.Transforms.Tests.Traces;

[TestClass]
public sealed class TraceCsvPropertiesTest
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(200);

    /// <summary>Records built from FsCheck's own doubles (NaN, ±Infinity, ±0, extremes) and strings (any character).</summary>
    private static Arbitrary<ActivityRecord[]> Records()
    {
        Gen<double> number = ArbMap.Default.GeneratorFor<double>();
        Gen<string> text = ArbMap.Default.GeneratorFor<string>().Where(s => s is not null);
        Gen<ActivityRecord> record =
            from run in text
            from layer in text.Where(s => s.Length > 0)
            from step in ArbMap.Default.GeneratorFor<long>().Select(s => s == long.MinValue ? 0 : Math.Abs(s))
            from counts in Gen.Choose(0, int.MaxValue).ArrayOf(2)
            from values in number.ArrayOf(8)
            select new ActivityRecord
            {
                Run = run,
                Step = step,
                Epoch = counts[0],
                Layer = layer,
                NonFiniteCount = counts[1],
                Activity = values[0],
                MeanChange = values[1],
                ExcludedFraction = values[2],
                GradientNorm = values[3],
                WeightNorm = values[4],
                UpdateNorm = values[5],
                Loss = values[6],
                LearningRate = values[7],
            };
        return record.ArrayOf().ToArbitrary();
    }

    [TestMethod]
    public void Write_then_Read_gives_back_every_field_exactly()
    {
        Prop.ForAll(Records(), generated =>
        {
            ActivityRecord[] records = generated.DistinctBy(r => (r.Run, r.Step, r.Layer)).ToArray();
            var writer = new StringWriter();
            TraceCsv.Write(writer, records);

            IReadOnlyList<ActivityRecord> read = TraceCsv.Read(new StringReader(writer.ToString()), "property.csv");

            RecordAssert.AreIdentical(records, read);
        }).Check(s_config);
    }
}
