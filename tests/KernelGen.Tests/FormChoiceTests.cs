using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// The planner's choice over a grid of shapes no benchmark lists: every rank, stride, dilation, kernel, channel count
/// and length, small and large. A layer is fully unrolled only within the unroll budget; above it, the looped form of
/// every operator and mode that has a vector form must dispatch to it: the scalar loops are for machines without
/// hardware vectors (and non-finite weights), never for a rank or a shape.
/// </summary>
public sealed class FormChoiceTests
{
    private const string Unrolled = "// Form: fully unrolled";
    private const string Looped = "// Form: loops with constant bounds";
    private const string VectorDispatch = "global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated";

    /// <summary>Transposed and plain convolutions of ranks 1-3: kernels 1-5, strides 1-4, dilations 1-3, grouped or not, sizes from 2 to 40.</summary>
    public static IEnumerable<(string Name, string Declaration)> Convolutions()
    {
        var rng = new Random(20261123);
        for (int i = 0; i < 90; i++)
        {
            int rank = (i % 3) + 1;
            int k = rng.Next(1, 6), stride = rng.Next(1, 5), dilation = rng.Next(1, 4), groups = rng.Next(2) + 1;
            int channelsIn = groups * rng.Next(1, 9), channelsOut = groups * rng.Next(1, 9);
            int size = rank switch { 1 => rng.Next(2, 200), 2 => rng.Next(2, 40), _ => rng.Next(2, 12) };
            int pad = rng.Next(0, (dilation * (k - 1) / 2) + 1);
            int[] input = [channelsIn, .. Enumerable.Repeat(size, rank)];
            string attribute = $"k: {k}, stride: {stride}, pad: {pad}, Dilation = {dilation}, Groups = {groups}";
            int transposed = ((size - 1) * stride) - (2 * pad) + (dilation * (k - 1)) + 1;
            if (transposed > 0)
            {
                yield return ($"T{i}", $"[ConvTranspose({attribute})] public static partial void T{i}({Shape(input)} ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, {Shape([channelsOut, .. Enumerable.Repeat(transposed, rank)])} Span<float> output);");
            }

            int convolved = ((size + (2 * pad) - (dilation * (k - 1)) - 1) / stride) + 1;
            if (size + (2 * pad) >= (dilation * (k - 1)) + 1)
            {
                yield return ($"C{i}", $"[Conv({attribute})] public static partial void C{i}({Shape(input)} ReadOnlySpan<float> input, ReadOnlySpan<float> weight, {Shape([channelsOut, .. Enumerable.Repeat(convolved, rank)])} Span<float> output);");
            }

            yield return ($"P{i}", $"[Conv1x1(Groups = {groups})] public static partial void P{i}({Shape(input)} ReadOnlySpan<float> input, ReadOnlySpan<float> weight, {Shape([channelsOut, .. Enumerable.Repeat(size, rank)])} Span<float> output);");
        }
    }

    /// <summary>
    /// Upsampling of ranks 1-3 in every mode (cubic is 2-D only), by whole and fractional factors of at least 1 per
    /// axis, over rows of at least a vector, with and without align_corners.
    /// </summary>
    public static IEnumerable<(string Name, string Declaration)> Upsamplings()
    {
        var rng = new Random(20261124);
        string[] modes = ["Nearest", "NearestExact", "Linear", "Cubic"];
        double[] factors = [2, 3, 4, 1.5, 2.5, 1.25, 3.75];
        for (int i = 0; i < 48; i++)
        {
            string mode = modes[i % 4];
            int rank = mode == "Cubic" ? 2 : ((i / 4) % 3) + 1;
            double factor = factors[rng.Next(factors.Length)];
            int channels = rng.Next(1, 9);
            int size = rank switch { 1 => rng.Next(16, 300), 2 => rng.Next(16, 48), _ => rng.Next(16, 20) };
            int output = (int)Math.Floor(size * factor);
            string align = mode is "Linear" or "Cubic" && rng.Next(2) == 0 ? ", AlignCorners = true" : string.Empty;
            yield return ($"U{i}", $"[Upsample({Declarations.Number(factor)}, Mode = UpsampleMode.{mode}{align})] public static partial void U{i}({Shape([channels, .. Enumerable.Repeat(size, rank)])} ReadOnlySpan<float> input, {Shape([channels, .. Enumerable.Repeat(output, rank)])} Span<float> output);");
        }
    }

    /// <summary>Resizing down to a size in every mode and rank (<see cref="DownsamplingTests.Layers"/>).</summary>
    public static IEnumerable<(string Name, string Declaration)> Downsamplings() =>
        DownsamplingTests.Layers().Select(l => (l.Name, $"{l.Attribute} public static partial void {l.Name}({Shape(l.Input)} ReadOnlySpan<float> input, {Shape(l.Output)} Span<float> output);"));

    private static string Shape(int[] shape) => $"[Shape({string.Join(", ", shape)})]";

    [Fact]
    public void Every_looped_layer_has_a_vector_form_and_only_small_ones_are_unrolled()
    {
        var layers = Convolutions().Concat(Upsamplings()).Concat(Downsamplings()).ToArray();
        GeneratorRun run = GeneratorHarness.Run($"using System;\nusing KernelGen;\npublic static partial class Grid\n{{\n{string.Join("\n", layers.Select(l => l.Declaration))}\n}}\n");
        Assert.Empty(run.GeneratorDiagnostics);
        int looped = 0, unrolled = 0;
        foreach ((string name, _) in layers)
        {
            string source = Assert.Single(run.Sources, s => s.Key.Contains($"Grid.{name}.", StringComparison.Ordinal)).Value;
            if (source.Contains(Unrolled, StringComparison.Ordinal))
            {
                unrolled++;
                string form = source.Split('\n').First(line => line.Contains(Unrolled, StringComparison.Ordinal));
                long work = long.Parse(form.Split(Unrolled + ", ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(work <= 512, $"{name} is unrolled with {work} multiply-adds");
                continue;
            }

            looped++;
            Assert.Contains(Looped, source);
            Assert.True(source.Contains(VectorDispatch, StringComparison.Ordinal), $"{name} runs the scalar loops only");
        }

        // The grid reaches both sides of the budget.
        Assert.True(looped > 50 && unrolled > 20, $"{looped} looped, {unrolled} unrolled");
    }
}
