using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace KernelGen.Tests.Infrastructure;

/// <summary>
/// A minimal stand-in for Verify (not served by the package registry here): compares text with an approved
/// <c>Snapshots/NAME.verified.EXT</c> beside the tests; on a difference writes <c>NAME.received.EXT</c> and fails.
/// Set KERNELGEN_ACCEPT_SNAPSHOTS=1 to approve the received text. The generator's version is scrubbed so a release
/// does not touch every snapshot. Swapping in Verify means replacing <see cref="Match"/>'s body.
/// </summary>
public static partial class Snapshot
{
    public const string AcceptVariable = "KERNELGEN_ACCEPT_SNAPSHOTS";

    public static void Match(string name, string actual, string extension = "cs", [CallerFilePath] string callerPath = "")
    {
        string folder = Path.Combine(FindTestsRoot(callerPath), "Snapshots");
        string verified = Path.Combine(folder, $"{name}.verified.{extension}");
        string received = Path.Combine(folder, $"{name}.received.{extension}");
        string text = Scrub(actual);
        string? approved = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (approved == text)
        {
            File.Delete(received);
            return;
        }

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verified, text);
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(received, text);
        Assert.Fail(approved is null
            ? $"No approved snapshot {verified}; review {received} and accept it (set {AcceptVariable}=1)."
            : $"Snapshot {name} differs from {verified}; see {received}, and accept it with {AcceptVariable}=1 if the change is right.");
    }

    private static string Scrub(string text) =>
        VersionPattern().Replace(text.Replace("\r\n", "\n"), "${prefix}{version}");

    private static string FindTestsRoot(string callerPath)
    {
        for (string? dir = Path.GetDirectoryName(callerPath); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "KernelGen.Tests.csproj")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("The test project folder was not found above " + callerPath);
    }

    [GeneratedRegex("(?<prefix>KernelGen\"?,? \"?)\\d+\\.\\d+\\.\\d+")]
    private static partial Regex VersionPattern();
}
