using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KernelGen.Tests;

/// <summary>The generated source of representative declarations, approved as text (Snapshots/*.verified.cs).</summary>
public sealed class SnapshotTests
{
    public static TheoryData<string, string> Declarations() => new()
    {
        // The seed examples: fully unrolled.
        { "Seed_ConvTranspose_k3_s2", "[ConvTranspose(k: 3, stride: 2, pad: 0)] public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 5, 5)] Span<float> output);" },
        { "Seed_ConvTranspose_k2_s2", "[ConvTranspose(k: 2, stride: 2)] public static partial void Place([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 4, 4)] Span<float> output);" },
        { "Seed_Upsample_nearest_x2", "[Upsample(scale: 2)] public static partial void Up([Shape(1, 2, 2)] ReadOnlySpan<float> input, [Shape(1, 4, 4)] Span<float> output);" },
        { "Seed_Conv1x1_bias", "[Conv1x1] public static partial void Reduce([Shape(4, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(2, 2, 2)] Span<float> output);" },
        // Over the budget: loops with constant bounds.
        { "Looped_ConvTranspose_groups_bias_batch", "[ConvTranspose(k: 3, stride: 2, pad: 1, OutputPadding = 1, Groups = 2)] internal static partial void Decode(int batch, [Shape(4, 7, 7)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(2, 14, 14)] Span<float> output);" },
        { "Looped_ConvTranspose3d_large_window_double", "[ConvTranspose(k: 5, stride: 2, pad: 2, Dilation = 2)] public static partial void Volume([Shape(2, 3, 3, 3)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(1, 9, 9, 9)] Span<double> output);" },
        { "Looped_Upsample_bilinear", "[Upsample(scale: 2, Mode = UpsampleMode.Linear, AlignCorners = true)] public static partial void Smooth([Shape(3, 8, 8)] ReadOnlySpan<float> input, [Shape(3, 16, 16)] Span<float> output);" },
        { "Looped_Upsample_nearest_replication", "[Upsample(Scales = new double[] { 2, 3 })] public static partial void Grow([Shape(4, 8, 8)] ReadOnlySpan<float> input, [Shape(4, 16, 24)] Span<float> output);" },
        { "Looped_Conv1x1_groups", "[Conv1x1(Groups = 2)] public static partial void Mix([Shape(8, 6, 6)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 6, 6)] Span<float> output);" },
        { "Unrolled_Conv_k3_s2_p1", "[Conv(k: 3, stride: 2, pad: 1)] public static partial void EncodeTiny([Shape(1, 5, 5)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(2, 3, 3)] Span<float> output);" },
        { "Looped_Conv_encoder_s2", "[Conv(k: 3, stride: 2, pad: 1)] public static partial void Encode(int batch, [Shape(8, 14, 14)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 7, 7)] Span<float> output);" },
        { "Looped_Conv1d_dilated_depthwise", "[Conv(k: 3, pad: 2, Dilation = 2, Groups = 4)] public static partial void Denoise([Shape(4, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(4, 40)] Span<float> output);" },
        { "Unrolled_ConvTranspose_relu", "[ConvTranspose(k: 2, stride: 2, Activation = Activation.Relu)] public static partial void Sharp([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(1, 4, 4)] Span<float> output);" },
        { "Looped_Conv1x1_split_across_workers", "[Conv1x1(Activation = Activation.Relu)] public static partial void Squeeze([Shape(256, 200)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Residual] ReadOnlySpan<float> skip, [Shape(128, 200)] Span<float> output);" },
        { "Looped_Activate_silu_split_across_workers", "[Activate(Activation.Silu)] public static partial void Swish([Shape(24, 75, 77)] ReadOnlySpan<float> input, [Shape(24, 75, 77)] Span<float> output);" },
        { "Looped_ConvTranspose_split_across_workers", "[ConvTranspose(k: 4, stride: 2, pad: 1, Activation = Activation.Relu)] public static partial void Enlarge([Shape(32, 12, 12)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(24, 24, 24)] Span<float> output);" },
        { "Looped_Upsample_trilinear_split_across_workers", "[Upsample(2, Mode = UpsampleMode.Linear)] public static partial void Trilinear([Shape(8, 12, 13, 16)] ReadOnlySpan<float> input, [Shape(8, 24, 26, 32)] Span<float> output);" },
        { "Looped_PixelShuffle_split_across_workers", "[PixelShuffle(2)] public static partial void Rearrange([Shape(128, 32, 33)] ReadOnlySpan<float> input, [Shape(32, 64, 66)] Span<float> output);" },
        { "Looped_Linear_split_across_workers", "[Linear(Activation = Activation.Relu)] public static partial void Score(int batch, [Shape(300)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Residual] ReadOnlySpan<float> skip, [Shape(130)] Span<float> output);" },
        { "Looped_Conv_split_across_workers", "[Conv(k: 3, pad: 1, Algorithm = ConvAlgorithm.Direct)] public static partial void Refine([Shape(32, 40, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(20, 40, 40)] Span<float> output);" },
        { "Looped_Conv_winograd_split_across_workers", "[Conv(k: 3, pad: 1, Activation = Activation.Relu)] public static partial void RefineFast([Shape(32, 40, 40)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Residual] ReadOnlySpan<float> skip, [Shape(20, 40, 40)] Span<float> output);" },
        { "Looped_Conv_winograd_double_small", "[Conv(k: 3, Algorithm = ConvAlgorithm.Winograd)] public static partial void SmoothFew(int batch, [Shape(3, 9, 10)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(5, 7, 8)] Span<double> output);" },
        { "Looped_Conv1x1_gelu_double", "[Conv1x1(Activation = Activation.Gelu)] public static partial void Expand([Shape(8, 20)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, ReadOnlySpan<double> bias, [Shape(16, 20)] Span<double> output);" },
        { "Looped_ConvTranspose_small_plane_silu", "[ConvTranspose(k: 4, stride: 2, pad: 1, Activation = Activation.Silu)] public static partial void Generate([Shape(32, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 8, 8)] Span<float> output);" },
        { "Looped_MaxPool2d_k3_s2_p1", "[MaxPool(k: 3, stride: 2, pad: 1)] public static partial void Downsample(int batch, [Shape(8, 13, 13)] ReadOnlySpan<float> input, [Shape(8, 7, 7)] Span<float> output);" },
        { "Looped_AvgPool3d_ceil_exclude_pad_double", "[AvgPool(k: 3, stride: 2, pad: 1, CeilMode = true, CountIncludePad = false)] public static partial void Blur([Shape(2, 5, 6, 6)] ReadOnlySpan<double> input, [Shape(2, 3, 4, 4)] Span<double> output);" },
        { "Looped_MaxPool1d_dilated", "[MaxPool(k: 3, stride: 1, pad: 1, Dilation = 2)] public static partial void Widen([Shape(4, 40)] ReadOnlySpan<float> input, [Shape(4, 38)] Span<float> output);" },
        { "Looped_AdaptiveAvgPool2d_7_to_3", "[AdaptiveAvgPool(3)] public static partial void Summarize(int batch, [Shape(16, 7, 7)] ReadOnlySpan<float> input, [Shape(16, 3, 3)] Span<float> output);" },
        { "Looped_Activate_gelu", "[Activate(Activation.Gelu)] public static partial void Soften(int batch, [Shape(8, 100)] ReadOnlySpan<float> input, [Shape(8, 100)] Span<float> output);" },
        { "Unrolled_Activate_leaky_relu", "[Activate(Activation.LeakyRelu, NegativeSlope = 0.2)] public static partial void Leak([Shape(2, 3)] ReadOnlySpan<float> input, [Shape(2, 3)] Span<float> output);" },
        { "Looped_Add_residual_relu", "[Add(Activation = Activation.Relu)] public static partial void Residual(int batch, [Shape(16, 8, 8)] ReadOnlySpan<float> input, [Shape(16, 8, 8)] ReadOnlySpan<float> skip, [Shape(16, 8, 8)] Span<float> output);" },
        { "Looped_Mul_per_channel", "[Mul] public static partial void Excite([Shape(32, 7, 7)] ReadOnlySpan<float> input, [Shape(32, 1, 1)] ReadOnlySpan<float> scale, [Shape(32, 7, 7)] Span<float> output);" },
        { "Looped_PixelShuffle_espcn", "[PixelShuffle(3)] public static partial void Tail(int batch, [Shape(9, 4, 5)] ReadOnlySpan<float> input, [Shape(1, 12, 15)] Span<float> output);" },
        { "Looped_PixelUnshuffle_blocks_first_double", "[PixelUnshuffle(2, Order = PixelShuffleOrder.BlocksFirst)] public static partial void Fold([Shape(3, 4, 6)] ReadOnlySpan<double> input, [Shape(12, 2, 3)] Span<double> output);" },
        { "Looped_Affine_tanh_double", "[Affine(Scale = 1.0 / 3, Activation = Activation.Tanh)] public static partial void Squash([Shape(4, 3, 5)] ReadOnlySpan<double> input, [Shape(4, 3, 5)] Span<double> output);" },
        { "Looped_Activate_mish", "[Activate(Activation.Mish)] public static partial void Mish([Shape(8, 100)] ReadOnlySpan<float> input, [Shape(8, 100)] Span<float> output);" },
        { "Unrolled_Conv1x1_elu_double", "[Conv1x1(Activation = Activation.Elu, Alpha = 0.5)] public static partial void EluMix([Shape(2, 3)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(2, 3)] Span<double> output);" },
        { "Looped_Conv_clamp_min_only", "[Conv(k: 3, pad: 1, Activation = Activation.Clamp, Min = 0)] public static partial void Rectify([Shape(8, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 16, 16)] Span<float> output);" },
        { "Looped_GroupNorm_silu", "[GroupNorm(4, Activation = Activation.Silu)] public static partial void Normalize(int batch, [Shape(16, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, [Shape(16, 8, 8)] Span<float> output);" },
        { "Looped_Softmax_segmentation", "[Softmax] public static partial void Classify(int batch, [Shape(21, 9, 7)] ReadOnlySpan<float> input, [Shape(21, 9, 7)] Span<float> output);" },
        { "Looped_Softmax_log_classifier", "[Softmax(Log = true)] public static partial void LogProbabilities([Shape(1000)] ReadOnlySpan<float> input, [Shape(1000)] Span<float> output);" },
        { "Looped_InstanceNorm_double_plain", "[InstanceNorm(Eps = 1e-3)] public static partial void Whiten([Shape(3, 20)] ReadOnlySpan<double> input, [Shape(3, 20)] Span<double> output);" },
        { "Looped_Conv_reflect_relu", "[Conv(k: 3, pad: 1, PaddingMode = PaddingMode.Reflect, Activation = Activation.Relu)] public static partial void Stylize(int batch, [Shape(8, 20, 20)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(8, 20, 20)] Span<float> output);" },
        { "Unrolled_Conv1d_circular_double", "[Conv(k: 3, pad: 2, Dilation = 2, PaddingMode = PaddingMode.Circular)] public static partial void Wrap([Shape(2, 5)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(1, 5)] Span<double> output);" },
        { "Looped_Conv_same_stride_2", "[Conv(k: 3, stride: 2, PadsEnd = new[] { 1, 1 })] public static partial void Same([Shape(4, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(8, 8, 8)] Span<float> output);" },
        { "Looped_Upsample_to_size_bilinear_down", "[Upsample(Mode = UpsampleMode.Linear)] public static partial void Shrink([Shape(2, 20, 60)] ReadOnlySpan<float> input, [Shape(2, 9, 25)] Span<float> output);" },
        { "Looped_Linear_batch_head", "[Linear(Activation = Activation.Relu)] public static partial void Head(int batch, [Shape(37)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(6)] Span<float> output);" },
        { "Looped_Conv_residual_relu_resnet", "[Conv(k: 3, pad: 1, Activation = Activation.Relu)] public static partial void BlockEnd([Shape(16, 8, 8)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Residual] ReadOnlySpan<float> identity, [Shape(16, 8, 8)] Span<float> output);" },
        { "Unrolled_Conv1x1_residual_prelu", "[Conv1x1(Activation = Activation.PRelu)] public static partial void Project([Shape(3, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Residual] ReadOnlySpan<float> skip, ReadOnlySpan<float> alpha, [Shape(2, 4)] Span<float> output);" },
        { "Looped_Conv_prelu_fsrcnn", "[Conv(k: 3, pad: 1, Activation = Activation.PRelu)] public static partial void Map(int batch, [Shape(12, 16, 16)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> alpha, [Shape(12, 16, 16)] Span<float> output);" },
        { "Unrolled_Upsample_bicubic_fractional", "[Upsample(scale: 1.5, Mode = UpsampleMode.Cubic)] public static partial void Sharpen([Shape(1, 2, 2)] ReadOnlySpan<float> input, [Shape(1, 3, 3)] Span<float> output);" },
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Generated_source_matches_the_approved_snapshot(string name, string declaration)
    {
        string source = $$"""
            using System;
            using KernelGen;

            namespace Snapshots
            {
                public static partial class Layers
                {
                    {{declaration}}
                }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        string generated = Assert.Single(run.Sources).Value;
        Snapshot.Match(name, generated);
    }

    /// <summary>
    /// What a rejected declaration gets: the throwing implementing part and the members its kernel would have, with the
    /// lengths of the declaration as KG0001's fix leaves it ([16, 8, 8], not the declared [16, 7, 7]).
    /// </summary>
    [Fact]
    public void A_rejected_kernel_part_matches_the_approved_snapshot()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using KernelGen;

            namespace Snapshots
            {
                public static partial class Layers
                {
                    [ConvTranspose(k: 4, stride: 2, pad: 1)]
                    public static partial void Grow([Shape(32, 4, 4)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, [Shape(16, 7, 7)] Span<float> output);
                }
            }
            """);
        Assert.Equal(["KG0001"], run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        Snapshot.Match("Rejected_ConvTranspose_wrong_output_shape", Assert.Single(run.Sources).Value);
    }

    /// <summary>The generated code lands in the user's compilation: it must build at C# 9 (the oldest with these partial methods), nullable off.</summary>
    [Fact]
    public void Generated_code_compiles_at_CSharp_9_without_nullable_context()
    {
        string members = string.Join("\n", Declarations().Select(row => (string)row[1]));
        var options = new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp9);
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            "using System;\nusing KernelGen;\nnamespace Old\n{\n    public static partial class Layers\n    {\n" + members + "\n    }\n}\n", options);
        var compilation = GeneratorHarness.CreateCompilation()
            .AddSyntaxTrees(tree)
            .WithOptions(GeneratorHarness.CreateCompilation().Options.WithNullableContextOptions(Microsoft.CodeAnalysis.NullableContextOptions.Disable));
        var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(new[] { new KernelGen.Generator.KernelGenerator().AsSourceGenerator() }, parseOptions: options);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal(Declarations().Count(), output.SyntaxTrees.Count() - 1);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).Select(d => d.ToString()));
    }

    [Fact]
    public void Seed_example_is_fully_unrolled_without_loops()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using KernelGen;
            static partial class Decoder
            {
                [ConvTranspose(k: 3, stride: 2, pad: 0)]
                public static partial void Deconv([Shape(1, 2, 2)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 5, 5)] Span<float> output);
            }
            """);
        string generated = Assert.Single(run.Sources).Value;
        Assert.Contains("// Form: fully unrolled", generated);
        Assert.Contains("(2 - 1)*2 - 2*0 + 3 = 5", generated);
        string body = generated[generated.IndexOf("internal static void Deconv_Sample", StringComparison.Ordinal)..];
        Assert.DoesNotContain("for (", body);
        Assert.Equal(25, body.Split('\n').Count(line => line.TrimStart().StartsWith("output[", StringComparison.Ordinal)));
    }
}
