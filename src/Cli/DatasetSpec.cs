using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Cli;

/// <summary>Parses <c>--dataset</c> and loads the data with a held-out test split.</summary>
internal static class DatasetSpec
{
    public const string Choices = "fashion-mnist, curve, spirals, blobs, csv:PATH[:LABEL_COLUMN]";

    private const double HeldOutFraction = 0.2;

    /// <summary>Whether <paramref name="spec"/> (lower case) names Fashion-MNIST.</summary>
    public static bool IsFashionMnist(string spec) => spec is "fashion-mnist" or "fashion_mnist" or "fashionmnist";

    /// <summary>Loads the data named by <c>--dataset</c> with its test split.</summary>
    public static (Dataset Train, Dataset Test) Load(TrainSettings settings)
    {
        if (settings.Limit is < 2 && !IsFashionMnist(settings.Dataset.Trim().ToLowerInvariant()))
        {
            throw CliException.Usage($"--limit {settings.Limit}: --dataset {settings.Dataset} holds out {HeldOutFraction:P0} of its samples as the test set, so --limit must be at least 2 (one to train on, one to test).");
        }

        string spec = settings.Dataset.Trim();
        int synthetic = settings.Limit ?? 5000;
        switch (spec.ToLowerInvariant())
        {
            case var name when IsFashionMnist(name):
                string directory = settings.DataDirectory ?? FashionMnist.DefaultDirectory;
                if (!FashionMnist.IsInstalled(directory))
                {
                    throw new CliException(
                        $"Fashion-MNIST is not installed (looked for the IDX files in {directory}). Install it with: sudo apt-get install dataset-fashion-mnist — or train on built-in data: --dataset curve.",
                        ExitCodes.DataError);
                }

                bool pad = ModelSpec.Resolve(settings) == "lenet5";
                (Dataset train, Dataset test) = FashionMnist.Load(directory, padTo32: pad);
                return (settings.Limit is int n && n < train.Count ? train.Subset([.. Enumerable.Range(0, n)], train.Name) : train, test);
            case "curve":
                return SyntheticTasks.Curve(synthetic, settings.Seed).Split(HeldOutFraction, settings.Seed);
            case "spirals":
                return SyntheticTasks.TwoSpirals(synthetic, settings.Seed).Split(HeldOutFraction, settings.Seed);
            case "blobs":
                return SyntheticTasks.GaussianBlobs(synthetic, 3, settings.Seed).Split(HeldOutFraction, settings.Seed);
        }

        if (spec.StartsWith("csv:", StringComparison.OrdinalIgnoreCase))
        {
            string rest = spec[4..];
            string path = rest;
            string? label = null;
            int colon = rest.LastIndexOf(':');
            if (colon > 0 && !File.Exists(rest))
            {
                path = rest[..colon];
                label = rest[(colon + 1)..];
            }

            if (!File.Exists(path))
            {
                throw new CliException($"CSV file '{path}' does not exist. Give --dataset csv:PATH[:LABEL_COLUMN] with an existing file.", ExitCodes.DataError);
            }

            Dataset all = CsvDatasetReader.Read(path, new CsvReaderOptions { LabelColumn = label }).Dataset;
            if (settings.Limit is int limit && limit < all.Count)
            {
                all = all.Subset([.. Enumerable.Range(0, limit)], all.Name);
            }

            return all.Split(HeldOutFraction, settings.Seed);
        }

        throw new CliException($"Unknown --dataset '{settings.Dataset}'. Valid choices: {Choices}.");
    }
}
