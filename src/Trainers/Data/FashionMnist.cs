using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Data;

/// <summary>
/// Loads Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 60 000 training and 10 000 test grey-scale
/// 28 × 28 images of 10 clothing classes, in IDX format.
/// </summary>
/// <remarks>
/// On Debian the files come with the package <c>dataset-fashion-mnist</c> in
/// <see cref="DefaultDirectory"/>. Features are scaled to [0, 1] (torchvision's <c>ToTensor</c>),
/// shape (N, 1, 28, 28), or (N, 1, 32, 32) when padded; targets are class indices, shape (N).
/// </remarks>
public static class FashionMnist
{
    /// <summary>The directory the Debian package <c>dataset-fashion-mnist</c> installs to.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The command that installs the data set on Debian.</summary>
    public const string InstallCommand = "sudo apt-get install dataset-fashion-mnist";

    /// <summary>The training-set pixel mean after scaling to [0, 1].</summary>
    public const float PixelMean = 0.2860f;

    /// <summary>The training-set pixel standard deviation after scaling to [0, 1].</summary>
    public const float PixelStandardDeviation = 0.3530f;

    /// <summary>The training image file name.</summary>
    public const string TrainImagesFile = "train-images-idx3-ubyte.gz";

    /// <summary>The training label file name.</summary>
    public const string TrainLabelsFile = "train-labels-idx1-ubyte.gz";

    /// <summary>The test image file name.</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte.gz";

    /// <summary>The test label file name.</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte.gz";

    private static readonly string[] s_files = [TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile];

    /// <summary>Gets the class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Gets the number of classes (10).</summary>
    public static int ClassCount => ClassNames.Count;

    /// <summary>Returns whether all four files are present.</summary>
    /// <param name="directory">The directory, or <see langword="null"/> for <see cref="DefaultDirectory"/>.</param>
    /// <returns><see langword="true"/> when the four IDX files exist.</returns>
    public static bool IsInstalled(string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        return s_files.All(f => File.Exists(Path.Combine(dir, f)));
    }

    /// <summary>Loads the training and test sets.</summary>
    /// <param name="directory">The directory with the four files, or <see langword="null"/> for <see cref="DefaultDirectory"/>.</param>
    /// <param name="padTo32">Whether to zero-pad the images to 32 × 32.</param>
    /// <param name="limit">The largest number of samples read per split, or <see langword="null"/> for all.</param>
    /// <returns>The training set (60 000 samples) and the test set (10 000 samples).</returns>
    /// <exception cref="DataFormatException">The data set is not installed (the message says how to install it) or a file is invalid.</exception>
    public static (Dataset Train, Dataset Test) Load(string? directory = null, bool padTo32 = false, int? limit = null) =>
        Load(new FashionMnistOptions { Directory = directory, PadTo32 = padTo32, Limit = limit });

    /// <summary>Loads the training and test sets.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The training set and the test set.</returns>
    /// <exception cref="DataFormatException">The data set is not installed (the message says how to install it) or a file is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static (Dataset Train, Dataset Test) Load(FashionMnistOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string dir = options.Directory ?? DefaultDirectory;
        string[] missing = [.. s_files.Where(f => !File.Exists(Path.Combine(dir, f)))];
        if (missing.Length > 0)
        {
            throw DataFormatException.InFile(Path.Combine(dir, missing[0]),
                $"Fashion-MNIST is not installed in {dir} (missing: {string.Join(", ", missing)}). "
                + $"Install it with '{InstallCommand}' (files go to {DefaultDirectory}), "
                + "or download the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist into a directory and pass that directory.");
        }

        // The test split is read on another thread while this one reads the training split (decompression and conversion
        // are CPU-bound; about a sixth of a one-epoch `mlgi train` went here).
        Task<Dataset> test = Task.Run(() => LoadSplit("fashion-mnist/test", Path.Combine(dir, TestImagesFile), Path.Combine(dir, TestLabelsFile), options));
        Dataset train;
        try
        {
            train = LoadSplit("fashion-mnist/train", Path.Combine(dir, TrainImagesFile), Path.Combine(dir, TrainLabelsFile), options);
        }
        finally
        {
            // Never leave the test read running (or its error unobserved) when the training split fails.
            ((IAsyncResult)test).AsyncWaitHandle.WaitOne();
        }

        return (train, test.GetAwaiter().GetResult());
    }

    private static Dataset LoadSplit(string name, string imagesPath, string labelsPath, FashionMnistOptions options)
    {
        (int[] dims, byte[] pixels, byte[] labels) = IdxReader.ReadSamples(imagesPath, labelsPath, ClassCount, options.Limit);
        Tensor features = options.PadTo32 ? ToPaddedUnitFloats(pixels, dims[0], dims[1], dims[2], 2) : ToUnitFloats(pixels, dims[0], dims[1], dims[2]);
        if (options.Normalize)
        {
            // torchvision Normalize: (x − mean) / std
            Span<float> x = features.Span;
            TensorPrimitives.Subtract(x, options.Mean, x);
            TensorPrimitives.Divide(x, options.StandardDeviation, x);
        }

        return new Dataset(name, features, IdxReader.Targets(labels), ClassCount);
    }

    private static Tensor ToUnitFloats(byte[] pixels, int n, int h, int w)
    {
        var features = new Tensor(n, 1, h, w);
        IdxReader.ToUnitFloats(pixels, features.Span);
        return features;
    }

    /// <summary>
    /// Bytes of shape (N, H, W) to floats in [0, 1] of shape (N, 1, H + 2·border, W + 2·border), zero borders: the same values
    /// as <see cref="IdxReader.ToUnitFloats"/> then zero padding, without the unpadded copy (188 MB for the training split).
    /// </summary>
    internal static Tensor ToPaddedUnitFloats(ReadOnlySpan<byte> pixels, int n, int h, int w, int border)
    {
        int ph = h + (2 * border), pw = w + (2 * border);
        var padded = new Tensor(n, 1, ph, pw);
        Span<float> dst = padded.Span;
        float[] scratch = new float[h * w];
        for (int image = 0; image < n; image++)
        {
            // One image at a time through a small buffer: two vectorised calls per image rather than two per row.
            IdxReader.ToUnitFloats(pixels.Slice(image * h * w, h * w), scratch);
            for (int row = 0; row < h; row++)
            {
                scratch.AsSpan(row * w, w).CopyTo(dst.Slice((((image * ph) + row + border) * pw) + border, w));
            }
        }

        return padded;
    }
}
