using System.Collections.Immutable;
using System.Text.RegularExpressions;
using KernelGen.Generator;
using KernelGen.Generator.Analysis;
using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KernelGen.Tests;

/// <summary>
/// docs/diagnostics.md, where every help link leads: a section per ID with the descriptor's title, an example that
/// really gets the error it quotes, and links that resolve to the page and the section.
/// </summary>
public sealed partial class DiagnosticsPageTests
{
    private static string PagePath => Path.Combine(DiagnosticTests.RepositoryRoot(), "docs", "diagnostics.md");

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(KernelGenerator).Assembly.GetType("KernelGen.Generator.Diagnostics.DiagnosticDescriptors")!
            .GetFields().Where(f => f.FieldType == typeof(DiagnosticDescriptor)).Select(f => (DiagnosticDescriptor)f.GetValue(null)!);

    /// <summary>Each section: its anchor, its heading, and the text up to the next anchor.</summary>
    private static Dictionary<string, string> Sections()
    {
        string page = File.ReadAllText(PagePath).Replace("\r\n", "\n");
        return AnchorPattern().Matches(page).ToDictionary(m => m.Groups["id"].Value.ToUpperInvariant(), m => m.Groups["body"].Value);
    }

    [Fact]
    public void Every_ID_has_a_section_under_its_own_anchor_and_title()
    {
        Dictionary<string, string> sections = Sections();
        foreach (DiagnosticDescriptor descriptor in Descriptors())
        {
            Assert.True(sections.TryGetValue(descriptor.Id, out string? body), $"docs/diagnostics.md has no <a id=\"{descriptor.Id.ToLowerInvariant()}\"> section");
            Assert.StartsWith($"## {descriptor.Id}: {descriptor.Title}\n", body!.TrimStart('\n'));
            Assert.Contains("**When**:", body);
            Assert.Contains("**Fix**:", body);
        }

        Assert.Equal(Descriptors().Select(d => d.Id).Order(), sections.Keys.Order());
    }

    public static TheoryData<string> ExampleIds() => new(Sections().Where(s => s.Value.Contains("```csharp")).Select(s => s.Key));

    /// <summary>The example of each section compiles to exactly the error it quotes (generator and call-site analyzer together).</summary>
    [Theory]
    [MemberData(nameof(ExampleIds))]
    public void Each_example_gets_the_error_it_quotes(string id)
    {
        string body = Sections()[id];
        string code = CodeBlock().Match(body).Groups["code"].Value;
        string quoted = TextBlock().Match(body).Groups["text"].Value.Trim();
        var (run, analyzer) = AnalyzerHarness.Run(code);
        string[] reported = run.GeneratorDiagnostics.Concat(analyzer)
            .Select(d => $"error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}").ToArray();
        Assert.True(reported.Contains(quoted), $"docs/diagnostics.md quotes\n{quoted}\nbut the example gets\n{string.Join("\n", reported)}");
        Assert.All(reported, r => Assert.StartsWith("error " + id, r));
    }

    /// <summary>
    /// With the page's path as the package's props pass it, a generator error and an analyzer error both link to the
    /// file and their section; without it, no link (there is no published page to fall back to).
    /// </summary>
    [Fact]
    public async Task Help_links_lead_to_the_installed_page_and_the_section()
    {
        const string source = """
            using System;
            using KernelGen;
            public static partial class Layers
            {
                [Upsample(scale: 2)] public static partial void Bad([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 5)] Span<float> output);
                [Upsample(scale: 2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, 4)] Span<float> output);
                public static void Run() => Up(new float[2], new float[3]);
            }
            """;
        var properties = new BuildProperties(new Dictionary<string, string> { [Generator.Diagnostics.DiagnosticHelp.PageProperty] = PagePath });
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new KernelGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions, optionsProvider: properties);
        driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.CreateCompilation(source), out Compilation output, out var generatorDiagnostics);
        var analyzer = await output.WithAnalyzers([new CallSiteAnalyzer()], new AnalyzerOptions([], properties)).GetAnalyzerDiagnosticsAsync();
        Diagnostic[] all = [.. generatorDiagnostics, .. analyzer];
        Assert.Equal(["KG0001", "KG0019"], all.Select(d => d.Id).Order().ToArray());
        string page = File.ReadAllText(PagePath);
        foreach (Diagnostic diagnostic in all)
        {
            var link = new Uri(diagnostic.Descriptor.HelpLinkUri);
            Assert.Equal("file", link.Scheme);
            Assert.True(File.Exists(link.LocalPath), $"{diagnostic.Id} links to {link}, which does not exist");
            Assert.Equal(Path.GetFullPath(PagePath), Path.GetFullPath(link.LocalPath));
            Assert.Equal("#" + diagnostic.Id.ToLowerInvariant(), link.Fragment);
            Assert.Contains($"<a id=\"{link.Fragment[1..]}\"></a>", page);
        }

        Assert.All(GeneratorHarness.Run(source).GeneratorDiagnostics, d => Assert.Equal(string.Empty, d.Descriptor.HelpLinkUri));
    }

    [GeneratedRegex("<a id=\"(?<id>kg\\d{4})\"></a>\\n(?<body>.*?)(?=<a id=|\\z)", RegexOptions.Singleline)]
    private static partial Regex AnchorPattern();

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex("```text\\n(?<text>.*?)```", RegexOptions.Singleline)]
    private static partial Regex TextBlock();
}
