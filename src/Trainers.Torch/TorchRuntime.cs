using System.Runtime.InteropServices;
using MLGradientInsight.Trainers.Torch.Build;
using TorchSharp;

namespace MLGradientInsight.Trainers.Torch;

/// <summary>Loads libtorch once and turns a failed load into one message that says why and what to do.</summary>
public static class TorchRuntime
{
    /// <summary>The libstdc++ version TorchSharp 0.107's libLibTorchSharp.so asks for (GCC 13).</summary>
    internal const string RequiredLibStdCxxVersion = "GLIBCXX_3.4.32";

    private static readonly Lazy<Exception?> s_loadError = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Makes sure libtorch is loaded (CPU backend).</summary>
    /// <exception cref="TorchLoadException">libtorch could not be loaded; the message names the cause and the fix.</exception>
    public static void EnsureLoaded()
    {
        if (s_loadError.Value is { } error)
        {
            throw new TorchLoadException(Explain(error), error);
        }
    }

    private static Exception? TryLoad()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            return e;
        }
    }

    /// <summary>Finds the likely cause instead of repeating TorchSharp's list of probed paths.</summary>
    internal static string Explain(Exception error)
    {
        string directory = AppContext.BaseDirectory;
        string[] copies = Directory.Exists(directory)
            ? Directory.GetFiles(directory, "libLibTorchSharp.so", SearchOption.AllDirectories)
            : [];
        bool hasLibTorch = Directory.Exists(directory) && Directory.GetFiles(directory, "libtorch_cpu.*", SearchOption.AllDirectories).Length > 0;
        if (OperatingSystem.IsLinux() && !hasLibTorch)
        {
            return $"TorchSharp found no libtorch next to the application ({directory}). Add the CPU backend to the application project: "
                + "<PackageReference Include=\"TorchSharp-cpu\" Version=\"0.107.0\" /> (libraries reference TorchSharp only; the application picks the backend).";
        }

        if (OperatingSystem.IsLinux() && FindLibStdCxx() is { } libstdcxx && !ElfVersionNeeds.Defines(libstdcxx, RequiredLibStdCxxVersion))
        {
            string? strong = copies.FirstOrDefault(IsStrong);
            if (strong is not null || copies.Length == 0)
            {
                return $"TorchSharp's libLibTorchSharp.so needs {RequiredLibStdCxxVersion} (libstdc++ of GCC 13), which {libstdcxx} lacks "
                    + "(Debian 12 and Ubuntu 22.04 ship GCC 12's). MLGradientInsight.Trainers.Torch fixes the copy in the build output when the application "
                    + $"is built with dotnet build/publish on this machine{(strong is null ? "" : $", but {strong} is unpatched (built elsewhere, or copied after the build)")}. "
                    + "Rebuild the application here, or install libstdc++6 from GCC 13 or later (Debian 13, Ubuntu 24.04).";
            }
        }

        string first = (error.InnerException ?? error).Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? error.Message;
        return $"libtorch could not be loaded: {first} Check that the application references TorchSharp-cpu 0.107.0 and that {RuntimeInformation.RuntimeIdentifier} is one of its platforms (linux-x64, win-x64, osx-arm64).";
    }

    private static bool IsStrong(string path)
    {
        try
        {
            byte[] elf = File.ReadAllBytes(path);
            long at = ElfVersionNeeds.FindFlagsOffset(elf, RequiredLibStdCxxVersion);
            return at >= 0 && (elf[at] & ElfVersionNeeds.WeakFlag) == 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? FindLibStdCxx()
    {
        string[] directories = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"];
        return directories.Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
    }
}
