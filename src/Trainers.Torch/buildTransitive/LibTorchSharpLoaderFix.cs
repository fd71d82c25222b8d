// The Debian 12 / Ubuntu 22.04 loader fix for TorchSharp's libLibTorchSharp.so, compiled at build time by MSBuild's
// RoslynCodeTaskFactory (MLGradientInsight.Trainers.Torch.targets) and compiled into MLGradientInsight.Trainers.Torch
// (with MLGI_ELF_ONLY: the ELF part only, internal) for its load diagnostics and tests..
//
// Why: TorchSharp 0.107's libLibTorchSharp.so is linked by GCC 13 and asks for GLIBCXX_3.4.32, which GCC 12's libstdc++
// (Debian 12, Ubuntu 22.04: up to GLIBCXX_3.4.30) lacks, so the loader refuses the library. The only symbol bound to that
// version is _ZSt21ios_base_library_initv, a marker GCC 13 emits that nothing calls. Marking the version requirement
// weak (VER_FLG_WEAK in its Vernaux entry) makes glibc's loader accept the library without that version.
//
// Hand-written because no .NET library edits ELF version records; the change is 2 bytes at a parsed offset.
using System;
using System.IO;
using System.Text;

namespace MLGradientInsight.Trainers.Torch.Build
{
    /// <summary>What <see cref="ElfVersionNeeds.MarkWeak(byte[], string)"/> did.</summary>
#if MLGI_ELF_ONLY
    internal
#else
    public
#endif
    enum ElfPatchOutcome
    {
        /// <summary>The requirement was strong and is now weak.</summary>
        Patched,

        /// <summary>The requirement was already weak; nothing changed.</summary>
        AlreadyWeak,

        /// <summary>The file does not require that version; nothing changed.</summary>
        NotRequired,
    }

    /// <summary>Reads and edits the version requirements (<c>.gnu.version_r</c>, SHT_GNU_verneed) of a little-endian ELF file.</summary>
#if MLGI_ELF_ONLY
    internal
#else
    public
#endif
    static class ElfVersionNeeds
    {
        /// <summary>VER_FLG_WEAK: a missing version is not fatal for the loader.</summary>
        public const ushort WeakFlag = 0x2;

        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Finds the Vernaux entry named <paramref name="version"/> and returns the byte offset of its vna_flags, or −1.</summary>
        /// <param name="elf">The whole file.</param>
        /// <param name="version">The version name, e.g. GLIBCXX_3.4.32.</param>
        /// <returns>The offset of the 16-bit vna_flags field, or −1 when no entry has that name.</returns>
        /// <exception cref="InvalidDataException">The file is not a little-endian ELF file, or its version records are malformed.</exception>
        public static long FindFlagsOffset(byte[] elf, string version)
        {
            if (elf.Length < 0x34 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException("not an ELF file (the first 4 bytes are not 7F 45 4C 46)");
            }

            bool is64 = elf[4] == 2;
            if (elf[4] != 1 && !is64)
            {
                throw new InvalidDataException($"unknown ELF class {elf[4]} at byte 4 (expected 1 or 2)");
            }

            if (elf[5] != 1)
            {
                throw new InvalidDataException($"byte 5 says the ELF file is not little-endian (EI_DATA = {elf[5]})");
            }

            long shoff = is64 ? (long)U64(elf, 0x28) : U32(elf, 0x20);
            int shentsize = U16(elf, is64 ? 0x3A : 0x2E);
            int shnum = U16(elf, is64 ? 0x3C : 0x30);
            int minimum = is64 ? 64 : 40;
            if (shnum == 0 || shentsize < minimum || shoff <= 0 || shoff + ((long)shnum * shentsize) > elf.Length)
            {
                throw new InvalidDataException($"section header table (offset {shoff}, {shnum} entries of {shentsize} bytes) lies outside the file of {elf.Length} bytes");
            }

            for (int s = 0; s < shnum; s++)
            {
                long h = shoff + ((long)s * shentsize);
                if (U32(elf, h + 4) != ShtGnuVerneed)
                {
                    continue;
                }

                long offset = is64 ? (long)U64(elf, h + 0x18) : U32(elf, h + 0x10);
                long size = is64 ? (long)U64(elf, h + 0x20) : U32(elf, h + 0x14);
                uint link = U32(elf, h + (is64 ? 0x28 : 0x18));
                uint count = U32(elf, h + (is64 ? 0x2C : 0x1C));
                if (link >= shnum)
                {
                    throw new InvalidDataException($"section {s} (.gnu.version_r) links to string table {link}, but there are {shnum} sections");
                }

                long sh = shoff + ((long)link * shentsize);
                long strings = is64 ? (long)U64(elf, sh + 0x18) : U32(elf, sh + 0x10);
                long stringsSize = is64 ? (long)U64(elf, sh + 0x20) : U32(elf, sh + 0x14);
                Check(offset, size, elf.Length, ".gnu.version_r");
                Check(strings, stringsSize, elf.Length, ".dynstr");
                long need = offset;
                for (uint n = 0; n < count; n++)
                {
                    Check(need, 16, offset + size, "a Verneed entry");
                    int auxCount = U16(elf, need + 2);
                    long aux = need + U32(elf, need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        Check(aux, 16, offset + size, "a Vernaux entry");
                        uint name = U32(elf, aux + 8);
                        if (name >= stringsSize)
                        {
                            throw new InvalidDataException($"the Vernaux entry at byte {aux} names string {name}, past the end of .dynstr ({stringsSize} bytes)");
                        }

                        if (NameEquals(elf, strings + name, strings + stringsSize, version))
                        {
                            return aux + 4;
                        }

                        aux += U32(elf, aux + 12);
                    }

                    uint next = U32(elf, need + 12);
                    if (next == 0)
                    {
                        break;
                    }

                    need += next;
                }
            }

            return -1;
        }

        /// <summary>Sets VER_FLG_WEAK on the requirement of <paramref name="version"/> in <paramref name="elf"/> (in memory).</summary>
        /// <param name="elf">The whole file; changed in place when the outcome is <see cref="ElfPatchOutcome.Patched"/>.</param>
        /// <param name="version">The version name.</param>
        /// <returns>What was done.</returns>
        /// <exception cref="InvalidDataException">The file is not a little-endian ELF file, or its version records are malformed.</exception>
        public static ElfPatchOutcome MarkWeak(byte[] elf, string version)
        {
            long at = FindFlagsOffset(elf, version);
            if (at < 0)
            {
                return ElfPatchOutcome.NotRequired;
            }

            ushort flags = U16(elf, at);
            if ((flags & WeakFlag) != 0)
            {
                return ElfPatchOutcome.AlreadyWeak;
            }

            flags |= WeakFlag;
            elf[at] = (byte)flags;
            elf[at + 1] = (byte)(flags >> 8);
            return ElfPatchOutcome.Patched;
        }

        /// <summary>
        /// Marks <paramref name="version"/> weak in the file at <paramref name="path"/>. A changed file is written to a temporary
        /// file and renamed over the original (so a hard or symbolic link into the NuGet cache is replaced, never written through),
        /// keeping the original's timestamp so that MSBuild's incremental copy leaves the patched copy in place.
        /// </summary>
        /// <param name="path">The file.</param>
        /// <param name="version">The version name.</param>
        /// <returns>What was done.</returns>
        /// <exception cref="InvalidDataException">The file is not a little-endian ELF file, or its version records are malformed.</exception>
        public static ElfPatchOutcome MarkWeak(string path, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            ElfPatchOutcome outcome = MarkWeak(elf, version);
            if (outcome != ElfPatchOutcome.Patched)
            {
                return outcome;
            }

            DateTime written = File.GetLastWriteTimeUtc(path);
            string temporary = path + ".mlgi-tmp";
            File.WriteAllBytes(temporary, elf);
            File.SetLastWriteTimeUtc(temporary, written);
            File.Delete(path);
            File.Move(temporary, path);
            return outcome;
        }

        /// <summary>Whether a shared library (e.g. libstdc++.so.6) defines <paramref name="version"/> (its name appears as a string).</summary>
        /// <param name="library">The library file.</param>
        /// <param name="version">The version name.</param>
        /// <returns>True when the NUL-terminated name occurs in the file.</returns>
        public static bool Defines(string library, string version)
        {
            byte[] bytes = File.ReadAllBytes(library);
            byte[] name = Encoding.ASCII.GetBytes(version + "\0");
            for (int start = Array.IndexOf(bytes, name[0]); start >= 0 && start <= bytes.Length - name.Length; start = Array.IndexOf(bytes, name[0], start + 1))
            {
                int k = 1;
                while (k < name.Length && bytes[start + k] == name[k])
                {
                    k++;
                }

                if (k == name.Length)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool NameEquals(byte[] elf, long at, long end, string name)
        {
            if (at + name.Length >= end)
            {
                return false;
            }

            for (int i = 0; i < name.Length; i++)
            {
                if (elf[at + i] != (byte)name[i])
                {
                    return false;
                }
            }

            return elf[at + name.Length] == 0;
        }

        private static void Check(long offset, long size, long limit, string what)
        {
            if (offset < 0 || size < 0 || offset + size > limit)
            {
                throw new InvalidDataException($"{what} at byte {offset} ({size} bytes) runs past its limit at byte {limit}");
            }
        }

        // Little-endian reads written out: the task is compiled against netstandard2.0 (no BinaryPrimitives).
        private static ushort U16(byte[] b, long at) => (ushort)(b[at] | (b[at + 1] << 8));

        private static uint U32(byte[] b, long at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        private static ulong U64(byte[] b, long at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);
    }

#if !MLGI_ELF_ONLY
    /// <summary>
    /// MSBuild task: on a machine whose libstdc++ lacks <see cref="Version"/>, marks that version requirement weak in each of
    /// <see cref="Files"/> (copies of libLibTorchSharp.so in a build or publish output). Idempotent.
    /// </summary>
    public sealed class PatchLibTorchSharpLoader : Microsoft.Build.Utilities.Task
    {
        private static readonly string[] s_libraryDirectories = new[]
        {
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/lib64", "/usr/lib64", "/lib", "/usr/lib",
        };

        /// <summary>Gets or sets the library copies to patch.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Gets or sets the version to make optional.</summary>
        public string Version { get; set; } = "GLIBCXX_3.4.32";

        /// <summary>Gets or sets the libstdc++ to check; found in the usual library directories when empty.</summary>
        public string LibStdCxx { get; set; } = "";

        /// <inheritdoc/>
        public override bool Execute()
        {
            string library = LibStdCxx;
            if (library.Length == 0)
            {
                foreach (string directory in s_libraryDirectories)
                {
                    string candidate = Path.Combine(directory, "libstdc++.so.6");
                    if (File.Exists(candidate))
                    {
                        library = candidate;
                        break;
                    }
                }
            }

            if (library.Length > 0 && ElfVersionNeeds.Defines(library, Version))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{library} defines {Version}; libLibTorchSharp.so loads as it is.");
                return true;
            }

            foreach (Microsoft.Build.Framework.ITaskItem item in Files)
            {
                string path = item.ItemSpec;
                try
                {
                    ElfPatchOutcome outcome = ElfVersionNeeds.MarkWeak(path, Version);
                    Log.LogMessage(
                        outcome == ElfPatchOutcome.Patched ? Microsoft.Build.Framework.MessageImportance.High : Microsoft.Build.Framework.MessageImportance.Low,
                        outcome switch
                        {
                            ElfPatchOutcome.Patched => $"MLGradientInsight: {library} lacks {Version}; marked that requirement weak in {path} so it loads (see MLGradientInsight.Trainers.Torch.targets).",
                            ElfPatchOutcome.AlreadyWeak => $"{path}: {Version} is already weak.",
                            _ => $"{path} does not require {Version}.",
                        });
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    Log.LogError($"MLGradientInsight: could not patch {path} for this machine's libstdc++ ({library}, no {Version}): {e.Message}. TorchSharp will not load; install libstdc++ from GCC 13 or later, or delete the build output and build again.");
                }
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif
}
