using System.Runtime.CompilerServices;
using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Tests;

/// <summary>
/// Text the generator writes (code and messages) cannot depend on the machine's culture. Interpolated strings are
/// invariant by construction (the generator's own <c>DefaultInterpolatedStringHandler</c>); this test reads the
/// generator's source with Roslyn and fails on every other way of turning a number into text with the current
/// culture, so that a new emitter cannot bring the Unicode-minus bug back.
/// </summary>
public sealed class InvariantTextTests
{
    [Fact]
    public void Generator_source_formats_no_number_with_the_current_culture()
    {
        string[] violations = CultureDependentFormatting(GeneratorSources()).ToArray();
        Assert.True(violations.Length == 0, "Culture-dependent formatting in the generator:\n" + string.Join("\n", violations));
    }

    /// <summary>The KG0007 case: a negative dimension printed with a Unicode minus under sv-SE.</summary>
    [Fact]
    public void Diagnostic_messages_print_numbers_invariantly_under_a_hostile_culture()
    {
        GeneratorRun run = GeneratorHarness.Run("using System;\nusing KernelGen;\npublic static partial class L { [Upsample(2)] public static partial void Up([Shape(1, 2)] ReadOnlySpan<float> input, [Shape(1, -2)] Span<float> output); }");
        string message = Assert.Single(run.GeneratorDiagnostics).GetMessage(GeneratorHarness.HostileCulture);
        Assert.Contains("-2", message);
        Assert.DoesNotContain("\u2212", message);
    }

    /// <summary>The check itself must be able to fail: each of these forms is found.</summary>
    [Theory]
    [InlineData("string F(int x) => \"a\" + x;")]
    [InlineData("string F(int x) { string s = \"a\"; s += x; return s; }")]
    [InlineData("string F(double x) => x.ToString();")]
    [InlineData("string F(int[] x) => string.Join(\", \", x);")]
    [InlineData("string F(int x) => string.Format(\"{0}\", x);")]
    [InlineData("string F(long x) => System.Convert.ToString(x);")]
    [InlineData("string F(int x) => new System.Text.StringBuilder().Append(x).ToString();")]
    [InlineData("string F(object x) => string.Concat(\"a\", x);")]
    public void Each_culture_dependent_form_is_found(string member)
    {
        Assert.Single(CultureDependentFormatting(new[] { ("Probe.cs", $"static class Probe {{ {member} }}") }));
    }

    [Theory]
    [InlineData("string F(int x) => $\"a{x}\";")]
    [InlineData("string F(int x) => \"a\" + 'b' + \"c\";")]
    [InlineData("string F(int x) => x.ToString(System.Globalization.CultureInfo.InvariantCulture);")]
    [InlineData("string F(string[] x) => string.Join(\", \", x);")]
    [InlineData("string F(System.Text.StringBuilder b) => b.Append(\"x\").Append('y').ToString();")]
    public void Invariant_forms_pass(string member)
    {
        Assert.Empty(CultureDependentFormatting(new[] { ("Probe.cs", $"static class Probe {{ {member} }}") }));
    }

    private static IEnumerable<(string Path, string Text)> GeneratorSources([CallerFilePath] string thisFile = "")
    {
        string root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "generator", "KernelGen.Generator"));
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(path => !path.EndsWith("DefaultInterpolatedStringHandler.cs", StringComparison.Ordinal))
            .Select(path => (path, File.ReadAllText(path)));
    }

    private static IEnumerable<string> CultureDependentFormatting(IEnumerable<(string Path, string Text)> sources)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, GeneratorHarness.ParseOptions, s.Path)).ToArray();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("GeneratorSource", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                if (Problem(model, node) is { } problem)
                {
                    int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    yield return $"{Path.GetFileName(tree.FilePath)}:{line}: {problem}: {node}";
                }
            }
        }
    }

    private static string? Problem(SemanticModel model, SyntaxNode node)
    {
        switch (node)
        {
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } add when IsString(model.GetTypeInfo(add).Type):
                return new[] { add.Left, add.Right }.Any(operand => !IsText(model, operand)) ? "string + non-string" : null;
            case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression } assign when IsString(model.GetTypeInfo(assign.Left).Type):
                return IsText(model, assign.Right) ? null : "string += non-string";
            case InvocationExpressionSyntax invocation when model.GetSymbolInfo(invocation).Symbol is IMethodSymbol method:
                return Problem(method);
            default:
                return null;
        }
    }

    private static string? Problem(IMethodSymbol method)
    {
        string type = method.ContainingType.ToDisplayString();
        bool takesProvider = method.Parameters.Any(p => p.Type.Name == "IFormatProvider");
        if (method.Name == "ToString" && method.Parameters.Length == 0 && method.ReceiverType is { } receiver
            && receiver.TypeKind != TypeKind.Enum && receiver.AllInterfaces.Any(i => i.ToDisplayString() == "System.IFormattable"))
        {
            return "ToString() of a formattable value";
        }

        return type switch
        {
            "string" when method.Name is "Join" or "Concat" && (method.IsGenericMethod || method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_Object || p.Type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Object }))
                => "string." + method.Name + " of non-strings",
            "string" when method.Name == "Format" && !takesProvider => "string.Format without a format provider",
            "System.Convert" when method.Name == "ToString" && !takesProvider => "Convert.ToString without a format provider",
            "System.Text.StringBuilder" when method.Name is "Append" or "Insert" or "AppendFormat" && !takesProvider
                && method.Parameters.Any(p => p.Type.SpecialType is not (SpecialType.System_String or SpecialType.System_Char or SpecialType.System_Int32)
                    && p.Type.ToDisplayString() is not ("System.Text.StringBuilder" or "char[]"))
                => "StringBuilder." + method.Name + " of a non-string",
            "System.Text.StringBuilder" when method.Name is "Append" && method.Parameters.Length == 1 && method.Parameters[0].Type.SpecialType == SpecialType.System_Int32
                => "StringBuilder.Append of an int",
            _ => null,
        };
    }

    private static bool IsString(ITypeSymbol? type) => type?.SpecialType == SpecialType.System_String;

    private static bool IsText(SemanticModel model, ExpressionSyntax operand) =>
        model.GetTypeInfo(operand).Type is not { } type || type.SpecialType is SpecialType.System_String or SpecialType.System_Char;
}
