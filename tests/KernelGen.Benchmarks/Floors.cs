using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;

namespace KernelGen.Benchmarks;

/// <summary>
/// What no kernel can go below. For the seed-size kernels: a call with their signatures that checks its arguments as
/// the generated methods do (every length, then no overlap with the output) and computes nothing. For the nearest
/// upsampling: filling its 1 MiB output with a constant, which writes what the kernel writes and reads nothing.
/// </summary>
public class Floors
{
    private readonly float[] _input = new float[4], _weight = new float[9], _deconvolved = new float[25], _upsampled = new float[16];
    private readonly float[] _nearestOutput = new float[64 * 64 * 64];

    [Benchmark]
    public void NearestOutputFill() => _nearestOutput.AsSpan().Fill(1);

    [Benchmark]
    public void SeedConvTransposeChecksOnly() => ChecksOnly(_input, _weight, _deconvolved);

    [Benchmark]
    public void SeedUpsampleChecksOnly() => ChecksOnly(_input, _upsampled);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ChecksOnly(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, Span<float> output)
    {
        if (input.Length != 4)
            throw new ArgumentException($"Expected 4 elements, but the span has {input.Length}.", nameof(input));
        if (weight.Length != 9)
            throw new ArgumentException($"Expected 9 elements, but the span has {weight.Length}.", nameof(weight));
        if (output.Length != 25)
            throw new ArgumentException($"Expected 25 elements, but the span has {output.Length}.", nameof(output));
        if (output.Overlaps(input))
            throw new ArgumentException("The output must not overlap the input.", nameof(output));
        if (output.Overlaps(weight))
            throw new ArgumentException("The output must not overlap the weight.", nameof(output));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ChecksOnly(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != 4)
            throw new ArgumentException($"Expected 4 elements, but the span has {input.Length}.", nameof(input));
        if (output.Length != 16)
            throw new ArgumentException($"Expected 16 elements, but the span has {output.Length}.", nameof(output));
        if (output.Overlaps(input))
            throw new ArgumentException("The output must not overlap the input.", nameof(output));
    }
}
