using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using MLGradientInsight.Trainers.Torch.Build;

namespace MLGradientInsight.Trainers.Torch.Tests.Build;

[TestClass]
public sealed class ElfVersionNeedsTests
{
    private const string Version = "GLIBCXX_3.4.32";

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void MarkWeak_sets_only_the_weak_bit_of_the_named_requirement(bool is64)
    {
        byte[] elf = SyntheticElf(is64, out long[] flagOffsets);
        byte[] original = (byte[])elf.Clone();

        Assert.AreEqual(flagOffsets[1], ElfVersionNeeds.FindFlagsOffset(elf, Version));
        Assert.AreEqual(ElfPatchOutcome.Patched, ElfVersionNeeds.MarkWeak(elf, Version));

        int[] changed = [.. Enumerable.Range(0, elf.Length).Where(i => elf[i] != original[i])];
        CollectionAssert.AreEqual(new[] { (int)flagOffsets[1] }, changed);
        Assert.AreEqual(ElfVersionNeeds.WeakFlag, BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)flagOffsets[1])));
        Assert.AreEqual(0, BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)flagOffsets[0])), "the other requirement keeps its flags");
    }

    [TestMethod]
    public void MarkWeak_twice_changes_nothing_the_second_time()
    {
        byte[] elf = SyntheticElf(true, out _);
        ElfVersionNeeds.MarkWeak(elf, Version);
        byte[] once = (byte[])elf.Clone();

        Assert.AreEqual(ElfPatchOutcome.AlreadyWeak, ElfVersionNeeds.MarkWeak(elf, Version));
        CollectionAssert.AreEqual(once, elf);
    }

    [TestMethod]
    [DataRow("GLIBCXX_3.4.3")]
    [DataRow("GLIBCXX_3.4.320")]
    [DataRow("CXXABI_1.3.16")]
    public void A_version_the_file_does_not_require_is_left_alone(string version)
    {
        byte[] elf = SyntheticElf(true, out _);
        byte[] original = (byte[])elf.Clone();

        Assert.AreEqual(ElfPatchOutcome.NotRequired, ElfVersionNeeds.MarkWeak(elf, version));
        CollectionAssert.AreEqual(original, elf);
    }

    [TestMethod]
    public void Not_an_elf_file_is_rejected_with_the_reason()
    {
        byte[] bytes = Encoding.ASCII.GetBytes("#!/bin/sh\necho this is a script, not a shared library\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeeds.MarkWeak(bytes, Version));
        StringAssert.Contains(e.Message, "not an ELF file");
    }

    [TestMethod]
    public void A_truncated_file_is_rejected_naming_the_section_table()
    {
        byte[] elf = SyntheticElf(true, out _);
        byte[] truncated = elf[..(elf.Length - 10)];
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeeds.MarkWeak(truncated, Version));
        StringAssert.Contains(e.Message, "section header table");
    }

    [TestMethod]
    public void A_vernaux_name_past_dynstr_is_rejected()
    {
        byte[] elf = SyntheticElf(true, out long[] flags);
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan((int)flags[0] + 4), 10_000);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeeds.FindFlagsOffset(elf, Version));
        StringAssert.Contains(e.Message, ".dynstr");
    }

    [TestMethod]
    public void Patching_a_file_replaces_it_instead_of_writing_through_a_hard_link()
    {
        string directory = Directory.CreateTempSubdirectory("mlgi-elf").FullName;
        try
        {
            string cache = Path.Combine(directory, "cache.so"), output = Path.Combine(directory, "output.so");
            File.WriteAllBytes(cache, SyntheticElf(true, out _));
            File.SetLastWriteTimeUtc(cache, new DateTime(2026, 5, 7, 10, 3, 28, DateTimeKind.Utc));
            if (!HardLink(cache, output))
            {
                Assert.Inconclusive("ln is not available to create a hard link.");
            }

            Assert.AreEqual(ElfPatchOutcome.Patched, ElfVersionNeeds.MarkWeak(output, Version));

            Assert.AreEqual(ElfPatchOutcome.Patched, ElfVersionNeeds.MarkWeak(File.ReadAllBytes(cache), Version), "the linked original still has the strong requirement");
            Assert.AreEqual(ElfPatchOutcome.AlreadyWeak, ElfVersionNeeds.MarkWeak(output, Version));
            Assert.AreEqual(File.GetLastWriteTimeUtc(cache), File.GetLastWriteTimeUtc(output), "the timestamp is kept so incremental copies leave the patched file");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void The_real_libLibTorchSharp_patched_reads_as_weak_in_readelf()
    {
        string built = BuiltLibTorchSharp();
        string directory = Directory.CreateTempSubdirectory("mlgi-elf").FullName;
        try
        {
            byte[] elf = File.ReadAllBytes(built);
            long at = ElfVersionNeeds.FindFlagsOffset(elf, Version);
            Assert.IsGreaterThan(0L, at, "TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32");
            elf[at] &= unchecked((byte)~ElfVersionNeeds.WeakFlag);
            string copy = Path.Combine(directory, "libLibTorchSharp.so");
            File.WriteAllBytes(copy, elf);
            string before = ReadElfVersions(copy);
            StringAssert.Contains(before, $"Name: {Version}  Flags: none");

            Assert.AreEqual(ElfPatchOutcome.Patched, ElfVersionNeeds.MarkWeak(copy, Version));

            string after = ReadElfVersions(copy);
            StringAssert.Contains(after, $"Name: {Version}  Flags: WEAK");
            Assert.AreEqual(before.Replace($"Name: {Version}  Flags: none", $"Name: {Version}  Flags: WEAK", StringComparison.Ordinal), after, "nothing else changed");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void The_build_patched_its_output_copy_exactly_when_this_machine_lacks_the_version()
    {
        string built = BuiltLibTorchSharp();
        string? libstdcxx = new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        if (libstdcxx is null)
        {
            Assert.Inconclusive("No libstdc++.so.6 in the usual directories; cannot tell whether the build had to patch.");
        }

        byte[] elf = File.ReadAllBytes(built);
        bool weak = (elf[ElfVersionNeeds.FindFlagsOffset(elf, Version)] & ElfVersionNeeds.WeakFlag) != 0;
        Assert.AreEqual(!ElfVersionNeeds.Defines(libstdcxx, Version), weak, $"{libstdcxx} and {built}");
    }

    [TestMethod]
    public void The_nuget_cache_copy_is_never_patched()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string cached = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(cached))
        {
            Assert.Inconclusive($"No TorchSharp 0.107.0 in the NuGet cache at {cached}.");
        }

        byte[] elf = File.ReadAllBytes(cached);
        Assert.AreEqual(0, elf[ElfVersionNeeds.FindFlagsOffset(elf, Version)] & ElfVersionNeeds.WeakFlag);
        byte[] built = File.ReadAllBytes(BuiltLibTorchSharp());
        Assert.AreEqual(elf.Length, built.Length);
        Assert.IsLessThanOrEqualTo(1, Enumerable.Range(0, elf.Length).Count(i => elf[i] != built[i]), "the output copy differs from the cache by the flag byte at most");
    }

    internal static string BuiltLibTorchSharp()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
        {
            Assert.Inconclusive($"Not linux-x64, or no {path}.");
        }

        return path;
    }

    private static string ReadElfVersions(string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("readelf", ["-V", "-W", path]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            string text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.AreEqual(0, process.ExitCode, "readelf -V");
            return text.Replace(path, "FILE", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Inconclusive("readelf is not installed: sudo apt-get install binutils");
            throw;
        }
    }

    private static bool HardLink(string target, string link)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("ln", [target, link]) { UseShellExecute = false })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// A minimal ELF file with sections null, .dynstr, .gnu.version_r (one Verneed for libstdc++.so.6 with two Vernaux:
    /// CXXABI_1.3.15 and GLIBCXX_3.4.32) and .shstrtab. Returns the byte offsets of the two vna_flags fields.
    /// </summary>
    private static byte[] SyntheticElf(bool is64, out long[] flagOffsets)
    {
        byte[] dynstr = Encoding.ASCII.GetBytes("\0libstdc++.so.6\0CXXABI_1.3.15\0GLIBCXX_3.4.32\0");
        byte[] shstrtab = Encoding.ASCII.GetBytes("\0.dynstr\0.gnu.version_r\0.shstrtab\0");
        int header = is64 ? 64 : 52, entry = is64 ? 64 : 40;
        int dynstrAt = header, verneedAt = dynstrAt + dynstr.Length + 3, shstrAt = verneedAt + 48, shoff = shstrAt + shstrtab.Length + 7;
        shoff -= shoff % 8;
        var elf = new byte[shoff + (4 * entry)];
        elf[0] = 0x7f;
        elf[1] = (byte)'E';
        elf[2] = (byte)'L';
        elf[3] = (byte)'F';
        elf[4] = (byte)(is64 ? 2 : 1);
        elf[5] = 1;
        elf[6] = 1;
        Span<byte> s = elf;
        if (is64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(s[0x28..], (ulong)shoff);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x3A..], (ushort)entry);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x3C..], 4);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x3E..], 3);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s[0x20..], (uint)shoff);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x2E..], (ushort)entry);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x30..], 4);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x32..], 3);
        }

        dynstr.CopyTo(s[dynstrAt..]);
        shstrtab.CopyTo(s[shstrAt..]);

        // Verneed: version 1, 2 aux entries, file = "libstdc++.so.6" (1), aux at +16, last.
        BinaryPrimitives.WriteUInt16LittleEndian(s[verneedAt..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(s[(verneedAt + 2)..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(s[(verneedAt + 4)..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(s[(verneedAt + 8)..], 16);
        int aux = verneedAt + 16;
        int[] names = [Encoding.ASCII.GetString(dynstr).IndexOf("CXXABI_1.3.15", StringComparison.Ordinal), Encoding.ASCII.GetString(dynstr).IndexOf(Version, StringComparison.Ordinal)];
        flagOffsets = new long[2];
        for (int k = 0; k < 2; k++)
        {
            int a = aux + (16 * k);
            BinaryPrimitives.WriteUInt32LittleEndian(s[a..], 0x12345678u + (uint)k);
            BinaryPrimitives.WriteUInt16LittleEndian(s[(a + 6)..], (ushort)(2 + k));
            BinaryPrimitives.WriteUInt32LittleEndian(s[(a + 8)..], (uint)names[k]);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(a + 12)..], k == 0 ? 16u : 0u);
            flagOffsets[k] = a + 4;
        }

        Section(s, is64, shoff + entry, 1, 3, dynstrAt, dynstr.Length, 0, 0);
        Section(s, is64, shoff + (2 * entry), 9, 0x6ffffffe, verneedAt, 48, 1, 1);
        Section(s, is64, shoff + (3 * entry), 25, 3, shstrAt, shstrtab.Length, 0, 0);
        return elf;
    }

    private static void Section(Span<byte> s, bool is64, int at, uint name, uint type, long offset, long size, uint link, uint info)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(s[at..], name);
        BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 4)..], type);
        if (is64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(s[(at + 0x18)..], (ulong)offset);
            BinaryPrimitives.WriteUInt64LittleEndian(s[(at + 0x20)..], (ulong)size);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 0x28)..], link);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 0x2C)..], info);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 0x10)..], (uint)offset);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 0x14)..], (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 0x18)..], link);
            BinaryPrimitives.WriteUInt32LittleEndian(s[(at + 0x1C)..], info);
        }
    }
}
