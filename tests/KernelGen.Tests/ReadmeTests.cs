using System.Text.RegularExpressions;
using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelGen.Tests;

/// <summary>
/// Both READMEs show working code: the repository's (the front door) and the package's (what an installed user reads).
/// Every C# block compiles with KernelGen without a diagnostic, and the errors they quote are the generator's own.
/// </summary>
public sealed partial class ReadmeTests
{
    public const string RepositoryReadme = "README.md";
    public const string PackageReadme = "src/KernelGen/README.md";

    private static string Read(string readme) => File.ReadAllText(Path.Combine(DiagnosticTests.RepositoryRoot(), readme));

    public static TheoryData<string, int, string> CSharpBlocks()
    {
        var data = new TheoryData<string, int, string>();
        foreach (string readme in new[] { RepositoryReadme, PackageReadme })
        {
            int index = 0;
            foreach (Match block in CSharpBlock().Matches(Read(readme)))
            {
                data.Add(readme, index++, block.Groups["code"].Value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void Readme_code_compiles(string readme, int index, string code)
    {
        // A block that declares its own partial class is a whole program; one of members only goes into a class.
        bool wholeFile = code.Contains("partial class", StringComparison.Ordinal);
        string source = wholeFile ? code : "using KernelGen;\n\npublic static partial class Readme\n{\n" + code + "\n}\n";
        bool hasStatements = wholeFile && code.Split('\n').Any(line => line.Length > 0 && !char.IsWhiteSpace(line[0])
            && !line.StartsWith("using ", StringComparison.Ordinal) && !line.StartsWith("static partial class", StringComparison.Ordinal)
            && !line.StartsWith("{", StringComparison.Ordinal) && !line.StartsWith("}", StringComparison.Ordinal));
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source, "global using System;")
            .WithOptions(GeneratorHarness.CreateCompilation().Options.WithOutputKind(hasStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary));
        GeneratorRun run = GeneratorHarness.Run(compilation);
        Assert.Empty(run.GeneratorDiagnostics);
        var problems = run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, $"{readme} C# block {index} does not compile:\n{string.Join("\n", problems)}");
        Assert.NotEmpty(run.Sources);
    }

    /// <summary>
    /// Each README's example with the wrong output shape it describes: the whole program, which sizes its buffers with
    /// the kernel's lengths class, gets exactly the one error the README quotes (no CS0117 for the lengths class).
    /// </summary>
    [Theory]
    [InlineData(RepositoryReadme, "[Shape(1, 5, 5)] Span<float> output", "[Shape(1, 4, 4)] Span<float> output")]
    [InlineData(PackageReadme, "[Shape(8, 8, 8)] Span<float> output", "[Shape(8, 7, 8)] Span<float> output")]
    public void Readme_shows_the_real_shape_error(string readme, string declared, string wrong)
    {
        string text = Read(readme);
        string code = CSharpBlock().Match(text).Groups["code"].Value;
        Assert.Contains(declared, code);
        // A program with top-level statements, as the README presents it.
        var program = GeneratorHarness.CreateCompilation(code.Replace(declared, wrong), "global using System;");
        var (run, analyzer) = AnalyzerHarness.Run(program.WithOptions(program.Options.WithOutputKind(OutputKind.ConsoleApplication)));
        Diagnostic[] errors = [.. run.Output.GetDiagnostics().Concat(run.GeneratorDiagnostics).Concat(analyzer).Where(d => d.Severity == DiagnosticSeverity.Error)];
        Diagnostic error = Assert.Single(errors);
        Assert.Contains($"error {error.Id}: {error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}", text);
    }

    /// <summary>Each README's example with a buffer sized by hand, as it describes, and the call-site errors it quotes for it.</summary>
    [Theory]
    [InlineData(RepositoryReadme, "Span<float> y = stackalloc float[Decoder.DeconvLengths.Output];", "Span<float> y = stackalloc float[16];")]
    [InlineData(PackageReadme, "float[] features = new float[Decoder.GrowLengths.Output];", "float[] features = new float[256];")]
    public void Readme_shows_the_real_call_site_errors(string readme, string line, string changed)
    {
        string text = Read(readme);
        string code = CSharpBlock().Match(text).Groups["code"].Value;
        Assert.Contains(line, code);
        var (_, diagnostics) = AnalyzerHarness.Run(code.Replace(line, changed), "global using System;");
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, error => Assert.Contains($"error {error.Id}: {error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}", text));
    }

    /// <summary>
    /// The package's README is shown on a package page, where a relative link leads nowhere and repository commands
    /// do not apply: it links only to its own headings, and every heading it links to exists.
    /// </summary>
    [Fact]
    public void The_package_readme_links_only_to_its_own_headings()
    {
        string readme = Read(PackageReadme);
        string[] anchors = [.. readme.Split('\n').Where(line => line.StartsWith('#')).Select(line =>
            "#" + string.Concat(line.TrimStart('#').Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-')).Replace(' ', '-'))];
        foreach (Match link in MarkdownLink().Matches(readme))
        {
            string target = link.Groups["target"].Value;
            Assert.True(anchors.Contains(target), $"link to {target}: not a heading of the package README");
        }

        foreach (string repositoryOnly in new[] { "dotnet test", "dotnet run", "samples/", "tests/", "docs/" })
        {
            Assert.DoesNotContain(repositoryOnly, readme, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("\\]\\((?<target>[^)\\s]+)\\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
