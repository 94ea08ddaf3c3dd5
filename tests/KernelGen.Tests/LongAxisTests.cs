using System.Reflection;
using KernelGen.Generator.Model;
using KernelGen.Generator.Operators.Upsample;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// An upsampling axis longer than <see cref="UpsampleShape.MaxWrittenPositions"/> has its source tables computed at run
/// time by generated code: entry by entry the same numbers as the generator's own <see cref="UpsampleShape.Sample"/>
/// (which the PyTorch golden cases check), in every mode, with and without align_corners, in float and double, with
/// scales whose products round differently in float and in double.
/// </summary>
public sealed class LongAxisTests
{
    public static TheoryData<string, string, string, int, int, double, bool> Axes() => new()
    {
        // name, mode, element, input length, output length, scale, align_corners
        { "nearest_f", "Nearest", "float", 43_692, 65_538, 1.5, false },
        { "nearest_d_third", "Nearest", "double", 23_000, 69_000, 3, false },
        { "exact_f", "NearestExact", "float", 30_000, 90_000, 3, false },
        { "exact_f_odd", "NearestExact", "float", 70_001, 91_001, 1.3, false },
        { "linear_f", "Linear", "float", 40_000, 100_000, 2.5, false },
        { "linear_d", "Linear", "double", 40_000, 100_000, 2.5, false },
        { "linear_f_align", "Linear", "float", 33_333, 66_666, 2, true },
        { "linear_d_align", "Linear", "double", 33_333, 99_999, 3, true },
        { "linear_f_third", "Linear", "float", 70_000, 70_000, 1, false },
    };

    [Theory]
    [MemberData(nameof(Axes))]
    public void Run_time_tables_equal_the_generators(string name, string mode, string element, int input, int output, double scale, bool align)
    {
        string source = $$"""
            using System;
            using KernelGen;
            public static partial class Long
            {
                [Upsample({{scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}, Mode = UpsampleMode.{{mode}}, AlignCorners = {{(align ? "true" : "false")}})]
                public static partial void {{name}}([Shape(1, {{input}})] ReadOnlySpan<{{element}}> input, [Shape(1, {{output}})] Span<{{element}}> output);
            }
            """;
        if (mode is "Nearest" or "NearestExact")
        {
            source = source.Replace(", AlignCorners = false", string.Empty, StringComparison.Ordinal);
        }

        Assembly assembly = GeneratorHarness.CompileAndLoad(out var generated, source);
        Assert.Contains($"private static class {name}_Axis0", Assert.Single(generated.Values));
        Type tables = assembly.GetType($"Long+{name}Implementation+{name}_Axis0")!;
        int[] index = (int[])tables.GetField("Index")!.GetValue(null)!;
        Array weight = (Array)tables.GetField("Weight")!.GetValue(null)!;

        ElementType type = element == "float" ? ElementType.Float : ElementType.Double;
        var expected = UpsampleShape.Sample(Enum.Parse<KernelGen.Generator.Model.UpsampleMode>(mode), align, input, output, scale, type, spatialRank: 1);
        Assert.Equal(expected.Index.Length, index.Length);
        for (int i = 0; i < index.Length; i++)
        {
            double w = Convert.ToDouble(weight.GetValue(i));
            double want = type == ElementType.Float ? (float)expected.Weight[i] : expected.Weight[i];
            Assert.True(index[i] == expected.Index[i] && w.Equals(want), $"{name} entry {i}: ({index[i]}, {w:R}), the generator's ({expected.Index[i]}, {want:R})");
        }
    }
}
