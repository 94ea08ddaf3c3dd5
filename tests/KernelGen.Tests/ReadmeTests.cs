using System.Text.RegularExpressions;
using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelGen.Tests;

/// <summary>Every C# block of the README compiles with KernelGen, without a diagnostic: the front door shows working code.</summary>
public sealed partial class ReadmeTests
{
    public static TheoryData<int, string> CSharpBlocks()
    {
        string readme = File.ReadAllText(Path.Combine(DiagnosticTests.RepositoryRoot(), "README.md"));
        var data = new TheoryData<int, string>();
        int index = 0;
        foreach (Match block in CSharpBlock().Matches(readme))
        {
            data.Add(index++, block.Groups["code"].Value);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void Readme_code_compiles(int index, string code)
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
        Assert.True(problems.Length == 0, $"README C# block {index} does not compile:\n{string.Join("\n", problems)}");
        Assert.NotEmpty(run.Sources);
    }

    [Fact]
    public void Readme_shows_the_real_shape_error()
    {
        string readme = File.ReadAllText(Path.Combine(DiagnosticTests.RepositoryRoot(), "README.md"));
        GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using KernelGen;
            static partial class Decoder
            {
                [ConvTranspose(k: 3, stride: 2, pad: 0)]
                public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4, 4)] Span<float> output);
            }
            """);
        Diagnostic error = Assert.Single(run.GeneratorDiagnostics);
        Assert.Contains($"error {error.Id}: {error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}", readme);
    }

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
