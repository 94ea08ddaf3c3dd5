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
    private readonly float[] _stemInput = new float[64 * 112 * 112], _stemOutput = new float[64 * 56 * 56];
    private readonly float[] _activateInput = new float[256 * 8192], _activateOutput = new float[256 * 8192];
    private readonly float[] _residualInput = new float[64 * 56 * 56], _residualIdentity = new float[64 * 56 * 56], _residualOutput = new float[64 * 56 * 56];
    private readonly float[] _exciteInput = new float[96 * 28 * 28], _exciteOutput = new float[96 * 28 * 28];
    private readonly float[] _normInput = new float[128 * 64 * 64], _normOutput = new float[128 * 64 * 64];

    /// <summary>
    /// The floors' inputs hold the workloads' kind of values, not zeros: on the Intel machine a copy of zeros over zeros
    /// ran at 2-3x the speed of a copy of data (a store that writes what memory already holds costs less there).
    /// </summary>
    [GlobalSetup]
    public void Fill()
    {
        var rng = new Random(42);
        foreach (float[] buffer in new[] { _stemInput, _activateInput, _residualInput, _residualIdentity, _exciteInput, _espcnInput, _edsrInput, _normInput })
        {
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (float)((rng.NextDouble() * 2) - 1);
            }
        }
    }

    /// <summary>The residual workload's floor: its input copied to its output (read once, written once), the identity not read.</summary>
    [Benchmark]
    public void ResidualCopy() => _residualInput.AsSpan().CopyTo(_residualOutput);

    /// <summary>...and with the identity read too: a plain vector sum of the two into the output, no checks, no activation.</summary>
    [Benchmark]
    public void ResidualPlainVectorSum()
    {
        var x = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(_residualInput.AsSpan());
        var y = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(_residualIdentity.AsSpan());
        var z = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(_residualOutput.AsSpan());
        for (int i = 0; i < z.Length; i++)
        {
            z[i] = x[i] + y[i];
        }
    }

    /// <summary>The residual kernel accumulating into its input, as torchvision's block does (out += identity; relu, in place): not a floor, PyTorch's in-place form's peer.</summary>
    [Benchmark]
    public void ResidualKernelInPlace() => Layers.ResidualAddRelu(_residualInput, _residualIdentity, _residualInput);

    private readonly float[] _espcnInput = new float[9 * 128 * 128], _espcnOutput = new float[384 * 384];
    private readonly float[] _edsrInput = new float[256 * 48 * 48], _edsrOutput = new float[64 * 96 * 96];

    /// <summary>The pixel shuffles' floors: each input copied to its output.</summary>
    [Benchmark]
    public void ShuffleEspcnCopy() => _espcnInput.AsSpan().CopyTo(_espcnOutput);

    [Benchmark]
    public void ShuffleEdsrCopy() => _edsrInput.AsSpan().CopyTo(_edsrOutput);

    /// <summary>The normalizations' floor: their 2 MiB input copied to the output (their statistics read it twice more).</summary>
    [Benchmark]
    public void NormCopy() => _normInput.AsSpan().CopyTo(_normOutput);

    /// <summary>The squeeze-and-excitation workload's floor: its input copied to its output.</summary>
    [Benchmark]
    public void ExciteCopy() => _exciteInput.AsSpan().CopyTo(_exciteOutput);

    /// <summary>The element-wise floor: the LeakyReLU workload's 8 MiB input copied to its output (read once, written once).</summary>
    [Benchmark]
    public void ActivateLeakyCopy() => _activateInput.AsSpan().CopyTo(_activateOutput);

    /// <summary>The pool floor: the ResNet stem pool's input read once (a vector sum, four accumulators)...</summary>
    [Benchmark]
    public float MaxPoolStemReadInput()
    {
        var x = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(_stemInput.AsSpan());
        System.Numerics.Vector<float> a = default, b = default, c = default, d = default;
        for (int i = 0; i + 3 < x.Length; i += 4)
        {
            a += x[i];
            b += x[i + 1];
            c += x[i + 2];
            d += x[i + 3];
        }

        return System.Numerics.Vector.Sum(a + b + c + d);
    }

    /// <summary>...and its output written once.</summary>
    [Benchmark]
    public void MaxPoolStemWriteOutput() => _stemOutput.AsSpan().Fill(1);

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
