using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KernelGen.Tests.Infrastructure;

/// <summary>
/// The assemblies <see cref="GeneratorHarness.CompileAndLoad(string[])"/> built in this build of the tests, on disk, so
/// that the child test runs (narrower hardware, checked access) load what the main run or an earlier child compiled
/// instead of running the generator and the compiler again: the generated code is the same on every machine (kernels
/// choose their vector path at run time), and compiling it is most of a child's time. An assembly is stored only after
/// it compiled cleanly, under a key made of everything it was built from: the sources, the build properties, and the
/// versions (MVIDs) of the tests, the generator and the runtime library, so that a new build never reads an old entry.
/// The main run deletes the folder when it exits; a child never does.
/// </summary>
internal static class CompiledKernelCache
{
    private const string Prefix = "kernelgen-test-kernels-";

    private static readonly Lazy<string> Folder = new(CreateFolder);

    /// <summary>The stored assembly and generated files for these inputs, if an earlier compile in this build stored them.</summary>
    public static bool TryRead(string key, out byte[] image, out IReadOnlyDictionary<string, string> generated)
    {
        string dll = Path.Combine(Folder.Value, key + ".dll"), sources = Path.Combine(Folder.Value, key + ".json");
        image = [];
        generated = new Dictionary<string, string>();
        // The sources are written last: when they are there, the image is complete.
        if (!File.Exists(sources))
        {
            return false;
        }

        image = File.ReadAllBytes(dll);
        generated = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(sources))!;
        return true;
    }

    /// <summary>Stores a clean compile; each file is written under a temporary name and renamed, so a reader never sees half of one.</summary>
    public static void Write(string key, byte[] image, IReadOnlyDictionary<string, string> generated)
    {
        WriteAtomically(Path.Combine(Folder.Value, key + ".dll"), stream => stream.Write(image));
        WriteAtomically(Path.Combine(Folder.Value, key + ".json"), stream => JsonSerializer.Serialize(stream, generated));
    }

    /// <summary>A name for everything the assembly is built from.</summary>
    public static string Key(IEnumerable<string> sources, bool checkedAccess, bool generatedFilesKept, bool splitAll)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        Add(typeof(KernelGen.Generator.KernelGenerator).Assembly.ManifestModule.ModuleVersionId.ToString("N"));
        Add(typeof(ShapeAttribute).Assembly.ManifestModule.ModuleVersionId.ToString("N"));
        Add(checkedAccess ? "checked" : "unchecked");
        Add(generatedFilesKept ? "kept" : "not kept");
        Add(splitAll ? "split everywhere" : "split by size");
        foreach (string source in sources)
        {
            Add(source);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static string CreateFolder()
    {
        Guid build = typeof(CompiledKernelCache).Assembly.ManifestModule.ModuleVersionId;
        string folder = Path.Combine(Path.GetTempPath(), Prefix + build.ToString("N"));
        Directory.CreateDirectory(folder);
        if (!IsChildRun)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
            // Folders left by runs that were killed before they could delete theirs.
            foreach (string stale in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
            {
                if (stale != folder && Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddDays(-1))
                {
                    TryDelete(stale);
                }
            }
        }

        return folder;
    }

    /// <summary>A child test run started by HardwarePathTests, CheckedAccessTests or WorkersTests (they set these variables).</summary>
    private static bool IsChildRun =>
        GeneratorHarness.CheckedAccessRun || GeneratorHarness.SplitAllRun || Environment.GetEnvironmentVariable(HardwarePathTests.ExpectedPathVariable) is not null;

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        using (var stream = File.Create(temporary))
        {
            write(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
