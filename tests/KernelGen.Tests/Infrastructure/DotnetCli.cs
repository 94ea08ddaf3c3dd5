using System.Diagnostics;

namespace KernelGen.Tests.Infrastructure;

/// <summary>Runs the dotnet CLI as a user would, in a clean environment, and returns its exit code and output.</summary>
public static class DotnetCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(12);

    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments) =>
        Run(workingDirectory, new Dictionary<string, string>(), arguments);

    public static (int ExitCode, string Output) Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunProgram(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", workingDirectory, environment, arguments);

    /// <summary>
    /// Reruns the tests of this assembly that <paramref name="filter"/> selects in a child <c>dotnet test</c> with
    /// <paramref name="environment"/> added, as the full run's suites on narrower hardware and with checked access do.
    /// Like the full run itself, the child names the tests it was running and keeps a dump if it dies of a signal.
    /// </summary>
    public static (int ExitCode, string Output) RunTestsInChild(IReadOnlyDictionary<string, string> environment, string filter)
    {
        string assembly = typeof(DotnetCli).Assembly.Location;
        return Run(Path.GetDirectoryName(assembly)!, environment, "test", assembly, "--filter", filter, "--blame-crash");
    }

    /// <summary>Runs another program (such as a NativeAOT binary) in the same clean environment.</summary>
    public static (int ExitCode, string Output) RunProgram(string program, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs inside `dotnet test`: its MSBuild and test-platform settings must not leak into a
        // build that should look like a user's.
        foreach (string name in start.Environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        // A guard against a hang, not a measure of speed: a child test run takes 3 to 5 minutes on a loaded 2-core
        // machine, and CI stops at 15.
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in {Timeout.TotalMinutes} minutes; its output so far:\n"
                + output.Result + error.Result);
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
