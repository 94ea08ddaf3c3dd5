using KernelGen.Tests.Fuzz;
using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// The generator against random declarations (<see cref="DeclarationFuzz"/>), and its time and memory against the
/// size of the layer. KERNELGEN_DECLARATIONS=5000 runs the full count; every run of the test command runs 300.
/// </summary>
public sealed class RandomDeclarationTests
{
    [Fact]
    public void Random_declarations_build_cleanly_or_give_one_error_of_the_right_kind()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("KERNELGEN_DECLARATIONS"), out int asked) ? asked : 300;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("KERNELGEN_DECLARATIONS_SEED"), out int given) ? given : 31;
        DeclarationFuzz.Outcome outcome = DeclarationFuzz.Run(seed, count);
        Assert.True(outcome.Failures.Count == 0, $"{outcome.Failures.Count} of {count} (seed {seed}):\n" + string.Join("\n", outcome.Failures.Take(6)));
        // Both verdicts and the large sizes are reached.
        Assert.InRange(outcome.Valid, count / 4, count);
        Assert.InRange(outcome.Invalid, count / 10, count);
        Assert.InRange(outcome.Huge, count / 8, count);
    }

    public static TheoryData<string, string> SizePairs() => new()
    {
        // name, declaration with {0} for the input length and {1} for the output length (1-D), both run small and near int.MaxValue
        { "conv k3", "[Conv(k: 3, pad: 1)] public static partial void Run([Shape(1, {0})] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, {0})] Span<float> output);" },
        { "conv k1 double", "[Conv(k: 1)] public static partial void Run([Shape(1, {0})] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(1, {0})] Span<double> output);" },
        { "1x1", "[Conv1x1] public static partial void Run([Shape(1, {0})] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, {0})] Span<float> output);" },
        { "transposed x2", "[ConvTranspose(k: 4, stride: 2, pad: 1)] public static partial void Run([Shape(1, {0})] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, {1})] Span<float> output);" },
        { "linear x2", "[Upsample(2, Mode = UpsampleMode.Linear)] public static partial void Run([Shape(1, {0})] ReadOnlySpan<float> input, [Shape(1, {1})] Span<float> output);" },
        { "nearest x2", "[Upsample(2)] public static partial void Run([Shape(1, {0})] ReadOnlySpan<double> input, [Shape(1, {1})] Span<double> output);" },
        { "max pool k3", "[MaxPool(k: 3, stride: 1, pad: 1)] public static partial void Run([Shape(1, {0})] ReadOnlySpan<float> input, [Shape(1, {0})] Span<float> output);" },
        { "avg pool k3 double", "[AvgPool(k: 3, stride: 1, pad: 1, CountIncludePad = false)] public static partial void Run([Shape(1, {0})] ReadOnlySpan<double> input, [Shape(1, {0})] Span<double> output);" },
        { "adaptive max pool", "[AdaptiveMaxPool(7)] public static partial void Run([Shape(1, {0})] ReadOnlySpan<float> input, [Shape(1, 7)] Span<float> output);" },
        { "activate", "[Activate(Activation.Silu)] public static partial void Run([Shape(1, {0})] ReadOnlySpan<float> input, [Shape(1, {0})] Span<float> output);" },
    };

    /// <summary>
    /// The generator's memory does not grow with the layer: the same declaration at 100,000 positions and at 536,870,000
    /// (whose doubled output's linear table just fits in one array) allocates within a few megabytes of each other (a
    /// [Conv] took 3 GB at 2^29 before, a linear upsampling 6 GB at a million).
    /// </summary>
    [Theory]
    [MemberData(nameof(SizePairs))]
    public void The_generators_memory_does_not_grow_with_the_layer(string name, string declaration)
    {
        long Allocated(int length)
        {
            string source = "using System;\nusing KernelGen;\npublic static partial class Sized\n{\n"
                + string.Format(System.Globalization.CultureInfo.InvariantCulture, declaration, length, 2 * length) + "\n}\n";
            var compilation = GeneratorHarness.CreateCompilation(source);
            GeneratorHarness.Run(compilation); // warm-up: the JIT's own allocations are not the generator's
            long before = GC.GetAllocatedBytesForCurrentThread();
            GeneratorRun run = GeneratorHarness.Run(compilation);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Empty(run.GeneratorDiagnostics);
            return allocated;
        }

        long small = Allocated(100_000), large = Allocated(536_870_000);
        Assert.True(large < small + (8 << 20), $"{name}: {small / 1e6:F1} MB at 100,000 positions, {large / 1e6:F1} MB at 536,870,000");
    }

    public static TheoryData<string> IssueLayers() =>
    [
        "[Conv(k: 1)] public static partial void Run([Shape(1, 536870912)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 536870912)] Span<float> output);",
        "[Conv(k: 1)] public static partial void Run([Shape(1, 268435456)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(1, 268435456)] Span<double> output);",
        "[Conv(k: 1)] public static partial void Run([Shape(1, 2147483647)] ReadOnlySpan<float> input, ReadOnlySpan<float> weight, [Shape(1, 2147483647)] Span<float> output);",
        "[Conv(k: 5, pad: 2)] public static partial void Run(int batch, [Shape(1, 2147483647)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(1, 2147483647)] Span<double> output);",
        "[ConvTranspose(k: 3, pad: 1)] public static partial void Run([Shape(1, 2147483647)] ReadOnlySpan<double> input, ReadOnlySpan<double> weight, [Shape(1, 2147483647)] Span<double> output);",
        "[Upsample(Scales = new double[] { 0.5, 0.5, 3 })] public static partial void Run([Shape(2, 1023, 1026, 1023)] ReadOnlySpan<double> input, [Shape(2, 511, 513, 3069)] Span<double> output);",
        // Pools whose window bounds pass int.MaxValue (the first took minutes in the generator: its vector bound was searched position by position).
        "[MaxPool(k: 3, stride: 1, pad: 1)] public static partial void Run([Shape(1, 2147483647)] ReadOnlySpan<float> input, [Shape(1, 2147483647)] Span<float> output);",
        "[MaxPool(k: 5, stride: 2, pad: 2, Dilation = 2, CeilMode = true)] public static partial void Run([Shape(1, 2147483647)] ReadOnlySpan<double> input, [Shape(1, 1073741822)] Span<double> output);",
        "[AvgPool(k: 2, stride: 1, pad: 1)] public static partial void Run([Shape(1, 2147483646)] ReadOnlySpan<double> input, [Shape(1, 2147483647)] Span<double> output);",
        "[AvgPool(k: 3, stride: 2, pad: 1, CeilMode = true)] public static partial void Run(int batch, [Shape(1, 2147483647)] ReadOnlySpan<float> input, [Shape(1, 1073741824)] Span<float> output);",
        "[AdaptiveAvgPool(1000000)] public static partial void Run([Shape(1, 2147483647)] ReadOnlySpan<float> input, [Shape(1, 1000000)] Span<float> output);",
        "[Activate(Activation.Gelu)] public static partial void Run([Shape(1, 2147483647)] ReadOnlySpan<double> input, [Shape(1, 2147483647)] Span<double> output);",
    ];

    /// <summary>
    /// Layers of 2^28 to 2^31 - 1 elements that did not compile (a byte count that overflowed as a constant, CS0220;
    /// offsets and buffer sizes that wrapped, CS0221, CS0247) or came out with empty tiles: now clean builds.
    /// </summary>
    [Theory]
    [MemberData(nameof(IssueLayers))]
    public void Layers_near_int_MaxValue_build_without_a_diagnostic(string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run("using System;\nusing KernelGen;\npublic static partial class Large\n{\n" + declaration + "\n}\n");
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
    }
}
