using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// The path a user takes: pack KernelGen, install it from a local folder into a fresh project, build, run. Everything
/// happens in a temporary copy, with a version used once and a private packages folder, so no cached package from an
/// earlier run can stand in for the one just packed.
/// </summary>
public sealed class PackageTests
{
    [Fact]
    [Trait(TestMatrix.Category, TestMatrix.Full)]
    public void The_packed_nupkg_installs_builds_and_runs_in_a_fresh_project()
    {
        string root = DiagnosticTests.RepositoryRoot();
        string work = Directory.CreateTempSubdirectory("kernelgen-pack-").FullName;
        try
        {
            string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;
            string repo = Path.Combine(work, "repo"), packages = Path.Combine(work, "packages"), consumer = Path.Combine(work, "consumer");
            foreach (string folder in new[] { "src", "generator" })
            {
                CopyDirectory(Path.Combine(root, folder), Path.Combine(repo, folder));
            }

            foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", "LICENSE", Path.Combine("docs", "diagnostics.md") })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(repo, file))!);
                File.Copy(Path.Combine(root, file), Path.Combine(repo, file));
            }

            var pack = DotnetCli.Run(repo, "pack", "src/KernelGen/KernelGen.csproj", "-c", "Release", "-o", packages, $"-p:Version={version}");
            Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);
            string nupkg = Path.Combine(packages, $"KernelGen.{version}.nupkg");
            Assert.True(File.Exists(nupkg), "No package at " + nupkg);
            using (var archive = System.IO.Compression.ZipFile.OpenRead(nupkg))
            {
                string[] entries = archive.Entries.Select(e => e.FullName).ToArray();
                Assert.Contains("lib/netstandard2.0/KernelGen.dll", entries);
                Assert.Contains("lib/netstandard2.1/KernelGen.dll", entries);   // with SafeTensorsFile, which needs spans
                Assert.Contains("analyzers/dotnet/cs/KernelGen.Generator.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/KernelGen.CodeFixes.dll", entries);
                Assert.Contains("docs/diagnostics.md", entries);
                Assert.Contains("build/KernelGen.targets", entries);
                Assert.Contains("tools/importer/KernelGen.Cli.dll", entries);
                Assert.Contains("tools/importer/KernelGen.Import.dll", entries);
                Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith("Generator.dll", StringComparison.Ordinal));
                using var nuspec = new StreamReader(archive.GetEntry("KernelGen.nuspec")!.Open());
                string metadata = nuspec.ReadToEnd();
                Assert.DoesNotContain("Microsoft.CodeAnalysis", metadata);
                Assert.Contains("<license type=\"expression\">MIT</license>", metadata);
                Assert.Contains("<readme>README.md</readme>", metadata);
                Assert.Contains("<icon>icon.png</icon>", metadata);
                Assert.DoesNotContain("<projectUrl>", metadata, StringComparison.Ordinal);   // nothing published to link to
                Assert.DoesNotContain("url=\"", metadata, StringComparison.Ordinal);   // the repository element names only the commit
                Assert.Contains("icon.png", entries);
                Assert.Contains("LICENSE", entries);
                using var readme = new StreamReader(archive.GetEntry("README.md")!.Open());
                Assert.Equal(File.ReadAllText(Path.Combine(root, "src", "KernelGen", "README.md")), readme.ReadToEnd());
            }

            CopyDirectory(Path.Combine(root, "samples", "KernelGen.PackageConsumer"), consumer);
            // The consumer's ONNX model (a <KernelGenModel> item) comes from the importer's zoo.
            string zoo = Path.Combine(root, "tests", "KernelGen.Tests", "Zoo") + Path.DirectorySeparatorChar;
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <config><add key="globalPackagesFolder" value="{Path.Combine(work, "nuget-packages")}" /></config>
                  <packageSources><clear /><add key="kernelgen-test" value="{packages}" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources>
                </configuration>
                """);

            // Built under Swedish culture (a Unicode minus sign), with the compiler in its own process so that it takes
            // the culture: a number formatted with the current culture in generated code would not compile.
            var swedish = new Dictionary<string, string> { ["LANG"] = "sv_SE.UTF-8", ["LC_ALL"] = "sv_SE.UTF-8" };
            var build = DotnetCli.Run(consumer, swedish, "build", $"-p:KernelGenVersion={version}", $"-p:KernelGenZoo={zoo}", "-p:UseSharedCompilation=false");
            Assert.True(build.ExitCode == 0, "The consumer did not build:\n" + build.Output);
            Assert.DoesNotContain("CS9057", build.Output);
            Assert.DoesNotContain("CS8785", build.Output);
            Assert.Contains("0 Warning(s)", build.Output);
            Assert.True(Directory.EnumerateFiles(consumer, "*.Deconv.*.g.cs", SearchOption.AllDirectories).Any(), "The generated kernels are not on disk (EmitCompilerGeneratedFiles).");
            // The <KernelGenModel> item's source is where the package README says, under obj/, and nowhere else.
            Assert.True(File.Exists(Path.Combine(consumer, "obj", "Debug", "net10.0", "KernelGen", "espcn.g.cs")), "The imported model's source is not under obj/.");
            Assert.DoesNotContain(Directory.EnumerateFiles(consumer, "espcn.g.cs", SearchOption.AllDirectories), f => !f.Contains(Path.Combine("obj", "Debug"), StringComparison.Ordinal));

            // The netstandard2.1 library has no Unsafe: its kernels take the span form.
            string standard = Directory.EnumerateFiles(Path.Combine(consumer, "Standard"), "*.Upscale.*.g.cs", SearchOption.AllDirectories).Single();
            Assert.Contains("// Span access:", File.ReadAllText(standard));

            // The checks of bad input build the small netstandard2.1 library alone: what they show is the same in any
            // project that installs the package, and rebuilding the consumer's zoo of models for each would double the
            // test's time.
            string standardProject = Path.Combine(consumer, "Standard", "KernelGen.Standard.csproj");

            // The call-site analyzer runs from the installed package: a call with a buffer of the wrong constant length
            // fails the build with KG0019, whose help link (in the SARIF log) leads to the page installed with the package.
            string wrongCall = Path.Combine(consumer, "Standard", "WrongCall.cs");
            File.WriteAllText(wrongCall, "static class WrongCall { public static void Run() => StandardLayers.Upscale(new float[1], new float[1], new float[1]); }\n");
            string sarif = Path.Combine(work, "errors.sarif");
            var rejected = DotnetCli.Run(consumer, swedish, "build", standardProject, $"-p:KernelGenVersion={version}", $"-p:ErrorLog={sarif}", "-p:UseSharedCompilation=false");
            File.Delete(wrongCall);
            Assert.True(rejected.ExitCode != 0, "A call with wrong buffer lengths built:\n" + rejected.Output);
            Assert.True(rejected.Output.Contains("error KG0019: Argument 'input' of 'Upscale' has 1 element (new float[1])", StringComparison.Ordinal),
                "The build did not report KG0019:\n" + rejected.Output);
            Match helpUri = Regex.Match(File.ReadAllText(sarif), "\"helpUri\": \"(?<uri>file:[^\"]*#kg0019)\"");
            Assert.True(helpUri.Success, "No KG0019 help link in the SARIF log");
            var page = new Uri(helpUri.Groups["uri"].Value);
            Assert.StartsWith(Path.Combine(work, "nuget-packages"), page.LocalPath);
            Assert.Contains("<a id=\"kg0019\"></a>", File.ReadAllText(page.LocalPath));

            // A model the importer cannot read is one build error, at the model file, in MSBuild's list of errors.
            string badModel = Path.Combine(consumer, "Standard", "bad.onnx"), badTargets = Path.Combine(consumer, "Directory.Build.targets");
            File.WriteAllBytes(badModel, [0x0A, 0xFF, 0xFF]);
            File.WriteAllText(badTargets, "<Project><ItemGroup Condition=\"'$(MSBuildProjectName)' == 'KernelGen.Standard'\"><KernelGenModel Include=\"bad.onnx\" Class=\"Zoo.Bad\" /></ItemGroup></Project>\n");
            var badBuild = DotnetCli.Run(consumer, "build", standardProject, $"-p:KernelGenVersion={version}");
            File.Delete(badModel);
            File.Delete(badTargets);
            Assert.True(badBuild.ExitCode != 0, "A malformed model built:\n" + badBuild.Output);
            Assert.True(badBuild.Output.Contains(badModel + " : error KG2001: " + badModel + ": not a valid ONNX file", StringComparison.Ordinal),
                "The build did not report the model's error at the model file:\n" + badBuild.Output);
            Assert.True(badBuild.Output.Split('\n').Where(line => line.Contains(": error ", StringComparison.Ordinal)).Distinct().Count() == 1,
                "One malformed model, more than one error:\n" + badBuild.Output);

            // net10.0 runs the vector paths; net8.0 (rolled forward onto the installed runtime) the code without them.
            foreach ((string framework, var environment) in new[]
            {
                ("net10.0", new Dictionary<string, string>()),
                ("net8.0", new Dictionary<string, string> { ["DOTNET_ROLL_FORWARD"] = "Major" }),
            })
            {
                var run = DotnetCli.Run(consumer, environment, "run", "--no-build", "--framework", framework, $"-p:KernelGenVersion={version}", $"-p:KernelGenZoo={zoo}");
                Assert.True(run.ExitCode == 0, $"The {framework} consumer failed:\n" + run.Output);
                Assert.Contains("All kernels match their reference.", run.Output);
                Assert.Contains("ONNX model espcn.onnx through <KernelGenModel> (PyTorch): ok", run.Output);
                Assert.Equal(ImportTests.Zoo().Count() + 1, run.Output.Split('\n').Count(line => line.EndsWith("through <KernelGenModel> (PyTorch): ok", StringComparison.Ordinal)));
                Assert.Contains("built for .NETCoreApp,Version=v" + framework[3..], run.Output);
            }

            // NativeAOT (the consumer sets PublishAot) with the default instruction set: on x64 that is x86-64-v2 (SSE4.2, no AVX, no FMA), where only
            // Vector128 is accelerated. The binary must run the 128-bit paths and equal PyTorch's outputs.
            string native = Path.Combine(work, "native");
            var publish = DotnetCli.Run(consumer, "publish", "--framework", "net10.0", "-r", RuntimeInformation.RuntimeIdentifier,
                $"-p:KernelGenVersion={version}", $"-p:KernelGenZoo={zoo}", "-o", native);
            Assert.True(publish.ExitCode == 0, "The NativeAOT publish failed:\n" + publish.Output);
            // KernelGen says, once, that no instruction set was chosen and how to choose one; nothing else warns (the
            // compiler, the trimmer, ILC). MSBuild repeats each warning in its summary.
            string[] warnings = [.. publish.Output.Split('\n').Where(line => line.Contains(": warning ", StringComparison.Ordinal)).Distinct()];
            Assert.True(warnings.Length == 1 && warnings[0].Contains("warning KG1001: KernelGen: this NativeAOT publish targets the baseline x64 CPU", StringComparison.Ordinal)
                && warnings[0].Contains("<IlcInstructionSet>native</IlcInstructionSet>", StringComparison.Ordinal),
                "Expected KernelGen's one NativeAOT warning:\n" + string.Join("\n", warnings));
            foreach (string chosen in new[] { "-p:IlcInstructionSet=native", "-p:KernelGenAotWarning=false" })
            {
                var quiet = DotnetCli.Run(consumer, "msbuild", "-t:KernelGenWarnAotInstructionSet", "-p:TargetFramework=net10.0", "-p:RuntimeIdentifier=linux-x64", chosen, $"-p:KernelGenVersion={version}", $"-p:KernelGenZoo={zoo}");
                Assert.True(quiet.ExitCode == 0 && !quiet.Output.Contains("KG1001", StringComparison.Ordinal), $"With {chosen} KernelGen still warns:\n" + quiet.Output);
            }
            var aot = DotnetCli.RunProgram(Path.Combine(native, "KernelGen.PackageConsumer"), consumer, new Dictionary<string, string>());
            Assert.True(aot.ExitCode == 0, "The NativeAOT consumer failed:\n" + aot.Output);
            Assert.Contains("All kernels match their reference.", aot.Output);
            if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
            {
                Assert.Contains("Vector512 False, Vector256 False, Vector128 True", aot.Output);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj") || first == "nuget.config")
            {
                continue;
            }

            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
