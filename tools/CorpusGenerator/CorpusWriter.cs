using System.Globalization;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.CorpusGenerator;

/// <summary>
/// Writes the corpus compactly: trace CSV (the documented format, readable by <c>TraceCsv.Read</c>) with the columns
/// run, step, layer, activity, loss, learning_rate, excluded_fraction, grad_norm, weight_norm, update_norm (the norms on
/// layer rows only), activity and norms rounded to 3 and loss to 4 significant digits (far finer than any feature needs),
/// gzip-compressed; and a manifest with one row per run.
/// </summary>
internal static class CorpusWriter
{
    public static void WriteHeader(TextWriter writer) => writer.WriteLine("run,step,layer,activity,loss,learning_rate,excluded_fraction,grad_norm,weight_norm,update_norm");

    public static void WriteTrace(TextWriter writer, CorpusRun run)
    {
        foreach (ActivityRecord r in run.Records)
        {
            writer.Write(run.Name);
            writer.Write(',');
            writer.Write(r.Step.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(r.Layer);
            writer.Write(',');
            writer.Write(Format(r.Activity, "G3"));
            writer.Write(',');
            writer.Write(r.Layer == ActivityRecord.NetworkLayer ? Format(r.Loss) : "");
            writer.Write(',');
            writer.Write(r.Layer == ActivityRecord.NetworkLayer ? Format(r.LearningRate, "G3") : "");
            writer.Write(',');
            writer.Write(Format(r.ExcludedFraction, "G3"));
            bool layer = r.Layer != ActivityRecord.NetworkLayer;
            writer.Write(',');
            writer.Write(layer ? Format(r.GradientNorm, "G3") : "");
            writer.Write(',');
            writer.Write(layer ? Format(r.WeightNorm, "G3") : "");
            writer.Write(',');
            writer.WriteLine(layer ? Format(r.UpdateNorm, "G3") : "");
        }
    }

    public static void WriteManifest(string path, IEnumerable<CorpusRun> runs)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("run,workload,seed,optimizer,condition,fault,action,onset_step,steps,status,first_loss,final_loss,effective");
        foreach (CorpusRun r in runs)
        {
            writer.WriteLine(string.Join(',',
                r.Name, r.Workload, r.Seed.ToString(CultureInfo.InvariantCulture), r.Optimizer, r.Condition.Name, r.Condition.Fault, r.Condition.Action,
                r.OnsetStep.ToString(CultureInfo.InvariantCulture), r.Steps.ToString(CultureInfo.InvariantCulture), r.Status, Format(r.FirstLoss), Format(r.FinalLoss), r.Effective ? "true" : "false"));
        }
    }

    private static string Format(double value, string format = "G4") => double.IsNaN(value) ? "NaN" : value.ToString(format, CultureInfo.InvariantCulture);
}
