using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KernelGen.Tests;

/// <summary>
/// One mistake, one error: what KernelGen writes for a declaration (its kernel, or for a rejected one the throwing
/// implementing part) adds no compiler error of its own, and a valid declaration is not refused for a member the
/// compiler wrote. Each case lists every error the build reports, KernelGen's and the compiler's; where the declaration
/// is itself invalid C#, the compiler's error on it stays (a generator cannot suppress an error).
/// </summary>
public sealed class OneErrorTests
{
    private const string Span3 = "([Shape(1, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output)";

    private static string InType(string type, string members) => "using System;\nusing KernelGen;\n" + type + "\n{\n" + members + "\n}\n";

    public static TheoryData<string, string, string[]> Cases() => new()
    {
        { "async", InType("public static partial class K", $"[Conv1x1] static async partial void A{Span3};"), ["CS1994", "CS4012", "CS4012", "CS4012", "KG0008"] },
        { "returns int without an access modifier", InType("public static partial class K", $"[Conv1x1] static partial int B{Span3};"), ["CS8796", "KG0008"] },
        { "new without an access modifier", InType("public partial class K", $"[Conv1x1] new static partial void ToString{Span3};"), ["CS8798"] },
        { "scoped in", InType("public static partial class K", "[Conv1x1] public static partial void D([Shape(1, 4)] scoped in ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4)] Span<float> output);"), ["KG0010"] },
        { "generic", InType("public static partial class K", $"[Conv1x1] public static partial void E<T>{Span3};"), ["KG0008"] },
        { "generic with constraints", InType("public static partial class K", $"[Conv1x1] public static partial void E<T, U>{Span3} where T : unmanaged, IComparable<T> where U : class?, new();"), ["KG0008"] },
        { "record ToString", InType("public partial record R(int X)", $"[Conv1x1] public static partial void ToString{Span3};"), [] },
        { "record struct Equals", InType("public partial record struct S(int X)", $"[Conv1x1] public static partial void Equals{Span3};"), [] },
        { "record GetHashCode", InType("public partial record R(int X)", $"[Conv1x1] public static partial void GetHashCode{Span3};"), [] },
        // The compiler's CS0246 at each use, and its CS8795: an implementing part could only repeat the unresolved types.
        { "no using System", "using KernelGen;\npublic static partial class K\n{\n" + $"[Conv1x1] public static partial void G{Span3};" + "\n}\n", ["CS0246", "CS0246", "CS0246", "CS8795"] },
        // Overloads share the generated members' names: written once, by the first; a repeated signature gets no second
        // implementing part (and no second generated file of one name, which would stop the generator for the project).
        { "two kernel overloads", InType("public static partial class K", $"[Conv1x1] public static partial void Mix{Span3};\n[Conv1x1] public static partial void Mix{Span3.Replace("float", "double")};\n"
            + "static void Use() { _ = MixLengths.Input + MixLengths.Output; }"), ["KG0016", "KG0016"] },
        { "a kernel declared twice", InType("public static partial class K", $"[Conv1x1] public static partial void Mix{Span3};\n[Conv1x1] public static partial void Mix{Span3};"), ["CS0111", "CS0756", "KG0016", "KG0016"] },
        // A rejected PReLU kernel keeps its slopes' length for the code that sizes buffers with it.
        { "PReLU kernel with a wrong output shape", InType("public static partial class K", "[Conv1x1(Activation = Activation.PRelu)] public static partial void Mix([Shape(4, 3)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> slope, [Shape(2, 4)] Span<float> output);\n"
            + "static void Use() { var s = new float[MixLengths.Slope]; Mix(new float[MixLengths.Input], new float[MixLengths.Weight], s, new float[MixLengths.Output]); }"), ["KG0001"] },
        { "record overload of the user's own", InType("public partial record R(int X)", $"[Conv1x1] public static partial void Mix{Span3};\npublic static void Mix() {{ }}"), ["KG0016"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_declaration_gets_only_the_errors_of_its_own_mistake(string description, string source, string[] expected)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Diagnostic[] errors = [.. run.Output.GetDiagnostics().Concat(run.GeneratorDiagnostics).Where(d => d.Severity == DiagnosticSeverity.Error)];
        string Describe() => description + ":\n" + string.Join("\n", errors.Select(e => $"{e.Id} at {e.Location.SourceTree?.FilePath}: {e.GetMessage()}"));
        Assert.True(expected.Order().SequenceEqual(errors.Select(e => e.Id).Order()), Describe());
        Assert.DoesNotContain(errors, e => e.Location.SourceTree?.FilePath.Contains("KernelGen.Generator", StringComparison.Ordinal) == true);
    }

    /// <summary>A count past long is the number it is, not long.MaxValue.</summary>
    [Fact]
    public void A_shape_past_long_prints_its_exact_count()
    {
        GeneratorRun run = GeneratorHarness.Run(InType("public static partial class K",
            "[Conv1x1] public static partial void F([Shape(1, 4, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(3000000, 3000000, 3000000, 3000000)] Span<float> output);"));
        Diagnostic error = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("KG0011", error.Id);
        Assert.Equal("The [Shape] [3000000, 3000000, 3000000, 3000000] of 'output' has 81000000000000000000000000 elements, more than int.MaxValue (2147483647)", error.GetMessage());
    }
}
