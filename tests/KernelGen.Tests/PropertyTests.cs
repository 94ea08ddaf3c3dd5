using System.Reflection;
using KernelGen.Tests.Infrastructure;
using KernelGen.Tests.Reference;

namespace KernelGen.Tests;

/// <summary>One random transposed convolution, in double precision with small integer values so every sum is exact.</summary>
public sealed record ConvTransposeConfig(string Name, int Cin, int Cout, int[] InSize, int[] K, int[] S, int[] P, int[] Op, int[] D, int Groups, bool Bias, int Batch)
{
    public int[] OutSize => InSize.Select((n, a) => NaiveReference.ConvTransposeSize(n, K[a], S[a], P[a], Op[a], D[a])).ToArray();

    public static ConvTransposeConfig Random(Random rng, string name)
    {
        while (true)
        {
            int rank = rng.Next(1, 4);
            int[] Axis(int lo, int hi) => Enumerable.Range(0, rank).Select(_ => rng.Next(lo, hi + 1)).ToArray();
            int[] k = Axis(1, rank == 3 ? 5 : 6), s = Axis(1, 3), d = Axis(1, 2);
            int[] p = k.Select((kk, a) => rng.Next(0, (d[a] * (kk - 1) / 2) + 2)).ToArray();
            int[] op = s.Select((ss, a) => rng.Next(0, Math.Max(ss, d[a]))).ToArray();
            int groups = rng.Next(1, 3);
            bool large = rng.Next(2) == 0;
            int[] size = Axis(1, large ? (rank == 3 ? 6 : 10) : 4);
            var config = new ConvTransposeConfig(name, groups * rng.Next(1, large ? 4 : 3), groups * rng.Next(1, large ? 4 : 3), size, k, s, p, op, d, groups,
                rng.Next(2) == 0, rng.Next(3) == 0 ? 2 : 1);
            if (config.OutSize.All(o => o > 0))
            {
                return config;
            }
        }
    }
}

/// <summary>
/// One random convolution, in double precision with small integer values so every sum is exact; declared a second
/// time as its adjoint, the transposed convolution from its output back to its input with the same weight.
/// </summary>
public sealed record ConvConfig(string Name, int Cin, int Cout, int[] InSize, int[] K, int[] S, int[] P, int[] D, int Groups, bool Bias, int Batch)
{
    public int[] OutSize => InSize.Select((n, a) => NaiveReference.ConvSize(n, K[a], S[a], P[a], D[a])).ToArray();

    /// <summary>The transposed convolution's output padding that brings it back to the input size: what the floor dropped.</summary>
    public int[] AdjointOutputPadding => InSize.Select((n, a) => n - NaiveReference.ConvTransposeSize(OutSize[a], K[a], S[a], P[a], 0, D[a])).ToArray();

    public static ConvConfig Random(Random rng, string name)
    {
        while (true)
        {
            int rank = rng.Next(1, 4);
            int[] Axis(int lo, int hi) => Enumerable.Range(0, rank).Select(_ => rng.Next(lo, hi + 1)).ToArray();
            int[] k = Axis(1, rank == 3 ? 4 : 6), s = Axis(1, 3), d = Axis(1, 2);
            int[] p = k.Select((kk, a) => rng.Next(0, (d[a] * (kk - 1) / 2) + 2)).ToArray();
            bool depthwise = rng.Next(6) == 0;
            int groups = depthwise ? rng.Next(2, 5) : rng.Next(1, 3);
            bool large = rng.Next(2) == 0;
            int[] size = Axis(1, large ? (rank == 3 ? 7 : rank == 2 ? 14 : 40) : 5);
            int cin = depthwise ? groups : groups * rng.Next(1, large ? 4 : 3), cout = depthwise ? groups : groups * rng.Next(1, large ? 4 : 3);
            var config = new ConvConfig(name, cin, cout, size, k, s, p, d, groups, rng.Next(2) == 0, rng.Next(3) == 0 ? 2 : 1);
            if (config.OutSize.All(o => o > 0))
            {
                return config;
            }
        }
    }
}

/// <summary>Compiles a fixed-seed set of random kernels once for all property tests.</summary>
public sealed class PropertyKernels
{
    public const int Seed = 20261122;

    public const int RandomConvTransposes = 40;

    public const int RandomConv1x1s = 16;

    public const int FixedConv1x1s = 4;

    public const int RandomConvs = 40;

    /// <summary>Forms the random convolutions may miss, after them (C40 on).</summary>
    public static readonly ConvConfig[] FixedConvs =
    [
        // Rows of more whole column tiles than are written out: the column tiles loop, and an overlapping vector ends the row.
        new ConvConfig("C40", 2, 3, [2, 300], [3, 3], [1, 1], [1, 1], [1, 1], 1, true, 1),
        new ConvConfig("C41", 3, 4, [500], [5], [2], [2], [1], 1, false, 2),
        // A last-axis window wider than the unrolled taps: the taps loop; dilated, strided, grouped.
        new ConvConfig("C42", 4, 2, [3, 90], [2, 19], [1, 2], [0, 9], [1, 2], 2, true, 1),
        // Rows narrower than a vector, stored through the stack, in 2-D and 3-D; a depthwise 3-D layer.
        new ConvConfig("C43", 6, 6, [9, 9, 5], [3, 3, 3], [1, 1, 2], [1, 1, 1], [1, 1, 1], 6, true, 1),
        new ConvConfig("C44", 8, 12, [10, 6], [3, 3], [2, 1], [1, 1], [1, 2], 4, false, 2),
        // Strides above the kernel (inputs no tap reads) and an encoder-style stride 2 over an odd size.
        new ConvConfig("C45", 3, 5, [40, 41], [2, 2], [3, 3], [0, 0], [1, 1], 1, true, 1),
        new ConvConfig("C46", 16, 8, [15, 15], [3, 3], [2, 2], [1, 1], [1, 1], 1, true, 1),
        // A row tap that reads only the padding (stride 3 over 3 rows, pad 1): the loops skip it.
        new ConvConfig("C47", 2, 3, [3, 200], [3, 3], [3, 1], [1, 1], [1, 1], 1, false, 1),
        // Rows off the vector width (13 doubles take two vectors of 8): each plane one flat run over shifted copies; with
        // stride 2 (two row phases), batched; dilated; 3-D with rows narrower than a vector; grouped 5x5; a last-axis
        // window over the written-out taps (its copies in a loop).
        new ConvConfig("C48", 8, 16, [7, 13], [3, 3], [1, 1], [1, 1], [1, 1], 1, true, 1),
        new ConvConfig("C49", 8, 16, [15, 19], [3, 3], [2, 2], [1, 1], [1, 1], 1, false, 2),
        new ConvConfig("C50", 8, 16, [9, 11], [3, 3], [1, 1], [2, 2], [2, 2], 1, true, 1),
        new ConvConfig("C51", 8, 8, [4, 6, 6], [3, 3, 3], [1, 1, 1], [1, 1, 1], [1, 1, 1], 1, true, 1),
        new ConvConfig("C52", 8, 16, [12, 12], [5, 5], [1, 1], [2, 2], [1, 1], 2, true, 1),
        new ConvConfig("C53", 4, 32, [4, 20], [2, 17], [1, 1], [0, 8], [1, 1], 1, false, 1),
        // 3-D with a row stride of 2 and a row dilation of 3: row taps 0, 1, 2 read row phases 0, 1, 0.
        new ConvConfig("C54", 8, 16, [5, 9, 11], [2, 3, 3], [1, 2, 1], [0, 1, 1], [1, 3, 1], 1, true, 1),
    ];

    /// <summary>Forms the random configurations may miss, after them (CT40 on).</summary>
    public static readonly ConvTransposeConfig[] FixedConvTransposes =
    [
        // Wider than MaxUnrolledVectorTiles whole tiles per phase row: the vector tiles loop (with and without
        // interleaved column phases), and a remainder tile follows.
        new ConvTransposeConfig("CT40", 2, 2, [3, 300], [4, 4], [2, 2], [1, 1], [0, 0], [1, 1], 1, true, 1),
        new ConvTransposeConfig("CT41", 2, 4, [2, 310], [9, 9], [2, 2], [4, 4], [1, 1], [1, 1], 2, false, 2),
        // More taps per phase than MaxUnrolledTaps: the taps loop.
        new ConvTransposeConfig("CT42", 3, 2, [10, 40], [7, 7], [1, 1], [3, 3], [0, 0], [1, 1], 1, true, 1),
        // Tall and thin: too many flat vectors for the flat form, so the row form takes it.
        new ConvTransposeConfig("CT43", 1, 2, [400, 5], [4, 4], [2, 2], [1, 1], [0, 0], [1, 1], 1, false, 1),
        // 1-D, which the vector form takes as one row of a 2-D layer: a vocoder-style kernel 16, stride 8, and a
        // grouped odd-sized one with output padding, batched.
        new ConvTransposeConfig("CT44", 4, 3, [70], [16], [8], [4], [0], [1], 1, true, 1),
        new ConvTransposeConfig("CT45", 6, 4, [37], [5], [3], [2], [1], [1], 2, false, 2),
        // Weights of a group over the cache budget: every phase runs over a block of output channels at a time,
        // in 1-D, and in 2-D within each of two groups, batched.
        new ConvTransposeConfig("CT46", 64, 48, [20], [16], [8], [4], [0], [1], 1, true, 1),
        new ConvTransposeConfig("CT47", 32, 128, [2, 20], [6, 6], [2, 2], [2, 2], [0, 0], [1, 1], 2, true, 2),
        // Dilated, in loops: dilation and stride with a common divisor (half the phases have no tap and hold only the
        // bias), without one (each phase's taps step back 2 inputs), and in 1-D.
        new ConvTransposeConfig("CT48", 4, 6, [9, 20], [3, 3], [2, 2], [1, 1], [1, 1], [2, 2], 1, true, 1),
        new ConvTransposeConfig("CT49", 3, 4, [7, 15], [4, 5], [3, 3], [2, 2], [0, 2], [2, 2], 1, false, 2),
        new ConvTransposeConfig("CT50", 8, 8, [40], [7], [4], [3], [1], [3], 2, true, 1),
        // 3-D, whose depth phases run plane by plane: a 3-D U-Net decoder's k4 s2 p1 and V-Net's k2 s2 up-convolution,
        // batched; a dilated depth window with more taps than are written out (the depth taps loop); a plane window
        // over the written-out taps inside a depth loop; a depth stride above the kernel (phases without taps).
        new ConvTransposeConfig("CT51", 4, 3, [5, 6, 7], [4, 4, 4], [2, 2, 2], [1, 1, 1], [0, 0, 0], [1, 1, 1], 1, true, 1),
        new ConvTransposeConfig("CT52", 3, 4, [4, 5, 9], [2, 2, 2], [2, 2, 2], [0, 0, 0], [0, 0, 0], [1, 1, 1], 1, false, 2),
        new ConvTransposeConfig("CT53", 4, 4, [6, 5, 6], [5, 3, 3], [1, 2, 2], [2, 1, 1], [0, 1, 1], [2, 1, 1], 2, true, 1),
        new ConvTransposeConfig("CT54", 2, 3, [3, 6, 20], [2, 5, 5], [1, 1, 1], [0, 2, 2], [0, 0, 0], [1, 1, 1], 1, true, 1),
        new ConvTransposeConfig("CT55", 4, 6, [4, 5, 6], [2, 3, 3], [3, 2, 2], [0, 1, 1], [1, 1, 0], [1, 1, 1], 2, true, 1),
        // Planes of 9 x 17 doubles: a row takes three vectors of 8 lanes for 17 columns (27 per plane), so the flat form,
        // 20 vectors per plane with Vector512, takes each phase.
        new ConvTransposeConfig("CT56", 3, 2, [3, 9, 17], [2, 2, 2], [2, 2, 2], [0, 0, 0], [0, 0, 0], [1, 1, 1], 1, true, 1),
        // Small planes of many channels (a DCGAN generator's first layers): the flat rows read shifted copies of the
        // input, one per column offset, so no padding column sits between rows: 4x4 phases (in double, as all here);
        // phases of 4 and 3 columns (the shorter reads a column it drops), batched; a dilated window; 3-D; grouped.
        new ConvTransposeConfig("CT57", 12, 24, [4, 4], [4, 4], [2, 2], [1, 1], [0, 0], [1, 1], 1, true, 1),
        new ConvTransposeConfig("CT58", 10, 20, [4, 4], [5, 5], [2, 2], [2, 2], [0, 0], [1, 1], 1, true, 2),
        new ConvTransposeConfig("CT59", 8, 16, [5, 6], [3, 3], [2, 2], [2, 2], [1, 1], [2, 2], 1, false, 1),
        new ConvTransposeConfig("CT60", 8, 16, [3, 4, 4], [2, 4, 4], [2, 2, 2], [0, 1, 1], [0, 0, 0], [1, 1, 1], 1, true, 1),
        new ConvTransposeConfig("CT61", 16, 32, [4, 4], [4, 4], [2, 2], [1, 1], [0, 0], [1, 1], 2, true, 1),
        // Shifted copies with more taps than are written out: 25 taps, a loop over them, each tap's copy from the loop.
        new ConvTransposeConfig("CT62", 8, 16, [4, 4], [5, 5], [1, 1], [2, 2], [0, 0], [1, 1], 1, true, 1),
        // Channels 4 KiB apart (512 doubles), more than an L1 set holds, read part of a line at a time by the 128-bit
        // (and for CT63 the 256-bit) tiles: copied with their channels spaced, in 2-D batched with no padding, in 1-D
        // padded to 512, and in 3-D within each of two groups of 9.
        new ConvTransposeConfig("CT63", 12, 8, [16, 32], [2, 2], [2, 2], [0, 0], [0, 0], [1, 1], 1, true, 2),
        new ConvTransposeConfig("CT64", 10, 6, [510], [4], [2], [1], [0], [1], 1, false, 1),
        new ConvTransposeConfig("CT65", 18, 6, [4, 8, 16], [2, 2, 2], [2, 2, 2], [0, 0, 0], [0, 0, 0], [1, 1, 1], 2, true, 1),
    ];

    public PropertyKernels()
    {
        var rng = new Random(Seed);
        ConvTransposes = Enumerable.Range(0, RandomConvTransposes).Select(i => ConvTransposeConfig.Random(rng, $"CT{i}")).Concat(FixedConvTransposes).ToArray();
        var declarations = new Declarations();
        foreach (ConvTransposeConfig c in ConvTransposes)
        {
            declarations.Add(c.Name, Declarations.ConvTransposeAttribute(c.K, c.S, c.P, c.Op, c.D, c.Groups), isDouble: true,
                [c.Cin, .. c.InSize], [c.Cout, .. c.OutSize], hasWeight: true, c.Bias, batched: c.Batch != 1);
        }

        // From a generator of their own, so that adding them left the other operators' draws as they were.
        var convRng = new Random(Seed + 1);
        Convs = Enumerable.Range(0, RandomConvs).Select(i => ConvConfig.Random(convRng, $"C{i}")).Concat(FixedConvs).ToArray();
        foreach (ConvConfig c in Convs)
        {
            declarations.Add(c.Name, Declarations.ConvAttribute(c.K, c.S, c.P, c.D, c.Groups), isDouble: true,
                [c.Cin, .. c.InSize], [c.Cout, .. c.OutSize], hasWeight: true, c.Bias, batched: c.Batch != 1);
            declarations.Add(c.Name + "_Adjoint", Declarations.ConvTransposeAttribute(c.K, c.S, c.P, c.AdjointOutputPadding, c.D, c.Groups), isDouble: true,
                [c.Cout, .. c.OutSize], [c.Cin, .. c.InSize], hasWeight: true, hasBias: false, batched: false);
        }

        Conv1x1s = Enumerable.Range(0, RandomConv1x1s).Select(i =>
        {
            int groups = rng.Next(1, 4), rank = rng.Next(1, 4);
            int[] size = Enumerable.Range(0, rank).Select(_ => rng.Next(1, i % 2 == 0 ? 12 : 4)).ToArray();
            return (Name: $"PW{i}", Cin: groups * rng.Next(1, 6), Cout: groups * rng.Next(1, 6), Size: size, Groups: groups, Bias: rng.Next(2) == 0);
        }).Concat(
        [
            // Positions that are not a whole number of vectors, in loops: the last vector overlaps the one before.
            (Name: "PW16", Cin: 8, Cout: 6, Size: [37], Groups: 1, Bias: true),
            (Name: "PW17", Cin: 6, Cout: 4, Size: [5, 9], Groups: 2, Bias: false),
            // Channels 4 KiB apart (512 doubles), more than an L1 set holds: the 128-bit tiles read a copy with them spaced.
            (Name: "PW18", Cin: 12, Cout: 6, Size: [16, 32], Groups: 1, Bias: true),
            (Name: "PW19", Cin: 20, Cout: 4, Size: [512], Groups: 2, Bias: false),
        ]).ToArray();
        foreach (var c in Conv1x1s)
        {
            declarations.Add(c.Name, $"[Conv1x1(Groups = {c.Groups})]", isDouble: true, [c.Cin, .. c.Size], [c.Cout, .. c.Size], hasWeight: true, c.Bias, batched: false);
        }

        // Nearest by an integer factor, and the depthwise transposed convolution with a ones kernel that must equal it.
        Nearest = Enumerable.Range(0, 12).Select(i =>
        {
            int rank = rng.Next(1, 4);
            int[] factors = Enumerable.Range(0, rank).Select(_ => rng.Next(1, 5)).ToArray();
            int[] size = Enumerable.Range(0, rank).Select(_ => rng.Next(1, i % 2 == 0 ? 12 : 4)).ToArray();
            return (Name: $"NN{i}", Channels: rng.Next(1, 4), Size: size, Factors: factors);
        }).Concat(
        [
            // Rows as long as a vector or longer, so that the vector paths (shuffles per row) run too.
            (Name: "NN12", Channels: 2, Size: [5, 20], Factors: [3, 2]),
            (Name: "NN13", Channels: 1, Size: [3, 4, 37], Factors: [1, 2, 3]),
            // Rows that are whole vectors: each vector is stored into every copy of its row.
            (Name: "NN14", Channels: 2, Size: [3, 32], Factors: [2, 2]),
            (Name: "NN15", Channels: 1, Size: [2, 3, 16], Factors: [2, 3, 1]),
        ]).ToArray();
        foreach (var c in Nearest)
        {
            int[] output = c.Size.Zip(c.Factors, (n, f) => n * f).ToArray();
            int[] zeros = new int[c.Size.Length];
            declarations.Add(c.Name, Declarations.UpsampleAttribute(c.Factors.Select(f => (double)f).ToArray(), "nearest", false), isDouble: false,
                [c.Channels, .. c.Size], [c.Channels, .. output], hasWeight: false, hasBias: false, batched: false);
            declarations.Add(c.Name + "_AsConvTranspose", Declarations.ConvTransposeAttribute(c.Factors, c.Factors, zeros, zeros, zeros.Select(_ => 1).ToArray(), c.Channels),
                isDouble: false, [c.Channels, .. c.Size], [c.Channels, .. output], hasWeight: true, hasBias: false, batched: false);
        }

        // Linear interpolation of constants and ramps, at both align_corners settings.
        foreach (int rank in new[] { 1, 2, 3 })
        {
            foreach (bool align in new[] { false, true })
            {
                foreach (double scale in new[] { 2.0, 3.0, 2.5 })
                {
                    int n = rank == 3 ? 4 : 9;
                    int[] size = Enumerable.Repeat(n, rank).ToArray();
                    int[] output = size.Select(v => (int)Math.Floor(v * scale)).ToArray();
                    string name = $"LIN{rank}_{(align ? "ac" : "hp")}_{(int)(scale * 10)}";
                    Linear.Add((name, rank, align, scale, n));
                    declarations.Add(name, Declarations.UpsampleAttribute(Enumerable.Repeat(scale, rank).ToArray(), "linear", align), isDouble: false,
                        [1, .. size], [1, .. output], hasWeight: false, hasBias: false, batched: false);
                }
            }
        }

        // Every activation over the accuracy arguments (Golden/activation_accuracy.json), float and double: a 1x1
        // convolution of one channel whose weight is 1 passes each argument through unchanged; the whole row takes the
        // vector form, a row of UnrolledRow arguments the unrolled one.
        // The same through [Activate] on its own, which has forms of its own (a vector method that reads and activates).
        foreach (string kind in ActivationAccuracy.Kinds)
        {
            foreach (bool isDouble in new[] { false, true })
            {
                foreach (bool alone in new[] { false, true })
                {
                    int count = ActivationAccuracy.Load(isDouble).Arguments.Length;
                    string attribute = alone ? $"[Activate(Activation.{kind})]" : $"[Conv1x1(Activation = Activation.{kind})]";
                    declarations.Add(ActivationAccuracy.KernelName(kind, isDouble, unrolled: false, alone), attribute, isDouble,
                        [1, count], [1, count], hasWeight: !alone, hasBias: false, batched: false);
                    declarations.Add(ActivationAccuracy.KernelName(kind, isDouble, unrolled: true, alone), attribute, isDouble,
                        [1, ActivationAccuracy.UnrolledRow], [1, ActivationAccuracy.UnrolledRow], hasWeight: !alone, hasBias: false, batched: false);
                }
            }
        }

        Kernels = GeneratorHarness.CompileAndLoad(out var generated, declarations.Source).GetType("Generated.Kernels")!;
        Generated = generated.Values.Select(GeneratedText.Unwrapped).ToArray();
    }

    /// <summary>The generated files, to check that the random configurations reach every form of every operator.</summary>
    public string[] Generated { get; }

    public ConvTransposeConfig[] ConvTransposes { get; }

    public ConvConfig[] Convs { get; }

    public (string Name, int Cin, int Cout, int[] Size, int Groups, bool Bias)[] Conv1x1s { get; }

    public (string Name, int Channels, int[] Size, int[] Factors)[] Nearest { get; }

    public List<(string Name, int Rank, bool Align, double Scale, int Size)> Linear { get; } = [];

    public Type Kernels { get; }

    public void Run<T>(string name, int batch, T[] input, T[]? weight, T[]? bias, T[] output)
    {
        MethodInfo run = Kernels.GetMethod("Run_" + name)!;
        run.Invoke(null, [batch, input, weight ?? [], bias ?? [], output]);
    }

    /// <summary><see cref="Run{T}"/> for a caller that holds float or double arrays without knowing which.</summary>
    public void RunArrays(string name, int batch, Array input, Array? weight, Array? bias, Array output)
    {
        Array Empty() => Array.CreateInstance(input.GetType().GetElementType()!, 0);
        Kernels.GetMethod("Run_" + name)!.Invoke(null, [batch, input, weight ?? Empty(), bias ?? Empty(), output]);
    }
}

public sealed class PropertyTests(PropertyKernels kernels) : IClassFixture<PropertyKernels>
{
    private static double[] Integers(Random rng, int count) => Enumerable.Range(0, count).Select(_ => (double)rng.Next(-3, 4)).ToArray();

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    public static TheoryData<int> ConvTransposeIndices() => [.. Enumerable.Range(0, PropertyKernels.RandomConvTransposes + PropertyKernels.FixedConvTransposes.Length)];

    public static TheoryData<int> ConvIndices() => [.. Enumerable.Range(0, PropertyKernels.RandomConvs + PropertyKernels.FixedConvs.Length)];

    public static TheoryData<int> Conv1x1Indices() => [.. Enumerable.Range(0, PropertyKernels.RandomConv1x1s + PropertyKernels.FixedConv1x1s)];

    public static TheoryData<int> NearestIndices() => [.. Enumerable.Range(0, 16)];

    /// <summary>The generated kernel equals the definition, and is the adjoint of the direct convolution: &lt;convT(x), u&gt; = &lt;x, conv(u)&gt;.</summary>
    [Theory]
    [MemberData(nameof(ConvTransposeIndices))]
    public void ConvTranspose_is_the_adjoint_of_convolution(int index)
    {
        ConvTransposeConfig c = kernels.ConvTransposes[index];
        var rng = new Random(index);
        int inLength = c.Cin * NaiveReference.Product(c.InSize), outLength = c.Cout * NaiveReference.Product(c.OutSize);
        double[] x = Integers(rng, inLength * c.Batch), w = Integers(rng, c.Cin * (c.Cout / c.Groups) * NaiveReference.Product(c.K));
        double[]? bias = c.Bias ? Integers(rng, c.Cout) : null;
        var y = new double[outLength * c.Batch];
        kernels.Run(c.Name, c.Batch, x, w, bias, y);

        for (int n = 0; n < c.Batch; n++)
        {
            double[] xn = x[(n * inLength)..((n + 1) * inLength)], yn = y[(n * outLength)..((n + 1) * outLength)];
            double[] expected = NaiveReference.ConvTranspose(xn, w, bias, c.Cin, c.Cout, c.InSize, c.K, c.S, c.P, c.Op, c.D, c.Groups);
            Assert.Equal(expected, yn);

            double[] u = Integers(rng, outLength);
            double[] withoutBias = bias is null ? yn : yn.Select((v, i) => v - bias[i / NaiveReference.Product(c.OutSize)]).ToArray();
            double[] back = NaiveReference.Conv(u, w, c.Cout, c.Cin, c.OutSize, c.K, c.S, c.P, c.D, c.Groups, c.InSize);
            Assert.Equal(Dot(xn, back), Dot(withoutBias, u));
        }
    }

    /// <summary>convT(x) = insert stride-1 zeros between inputs, pad by dilation*(k-1) - pad (crop where negative), convolve with the flipped kernel.</summary>
    [Theory]
    [MemberData(nameof(ConvTransposeIndices))]
    public void ConvTranspose_is_zero_insertion_then_convolution_with_the_flipped_kernel(int index)
    {
        ConvTransposeConfig c = kernels.ConvTransposes[index];
        var rng = new Random(1000 + index);
        int rank = c.InSize.Length, cinG = c.Cin / c.Groups, coutG = c.Cout / c.Groups;
        double[] x = Integers(rng, c.Cin * NaiveReference.Product(c.InSize) * c.Batch), w = Integers(rng, c.Cin * coutG * NaiveReference.Product(c.K));
        var y = new double[c.Cout * NaiveReference.Product(c.OutSize) * c.Batch];
        kernels.Run(c.Name, c.Batch, x, w, c.Bias ? new double[c.Cout] : null, y);

        int[] lead = Enumerable.Range(0, rank).Select(a => (c.D[a] * (c.K[a] - 1)) - c.P[a]).ToArray();
        int[] zSize = c.OutSize.Select((o, a) => o + (c.D[a] * (c.K[a] - 1))).ToArray();
        var z = new double[c.Cin * NaiveReference.Product(zSize)];
        for (int ci = 0; ci < c.Cin; ci++)
        {
            foreach (int[] i in NaiveReference.Indices(c.InSize))
            {
                int[] at = i.Select((v, a) => (v * c.S[a]) + lead[a]).ToArray();
                if (at.Where((v, a) => v < 0 || v >= zSize[a]).Any())
                {
                    continue;
                }

                z[(ci * NaiveReference.Product(zSize)) + NaiveReference.Flat(at, zSize)] = x[(ci * NaiveReference.Product(c.InSize)) + NaiveReference.Flat(i, c.InSize)];
            }
        }

        // Flipped kernel with input and output channels exchanged within each group: [C_out, C_in/g, k...].
        int taps = NaiveReference.Product(c.K);
        var flipped = new double[c.Cout * cinG * taps];
        for (int ci = 0; ci < c.Cin; ci++)
        {
            for (int j = 0; j < coutG; j++)
            {
                int co = (ci / cinG * coutG) + j;
                foreach (int[] t in NaiveReference.Indices(c.K))
                {
                    int[] mirrored = t.Select((v, a) => c.K[a] - 1 - v).ToArray();
                    flipped[(((co * cinG) + (ci % cinG)) * taps) + NaiveReference.Flat(mirrored, c.K)] = w[(((ci * coutG) + j) * taps) + NaiveReference.Flat(t, c.K)];
                }
            }
        }

        int[] ones = Enumerable.Repeat(1, rank).ToArray(), zeros = new int[rank];
        double[] expected = NaiveReference.Conv(z, flipped, c.Cin, c.Cout, zSize, c.K, ones, zeros, c.D, c.Groups, c.OutSize);
        Assert.Equal(expected, y[..expected.Length]);
    }

    /// <summary>
    /// The generated convolution equals the definition, and it and the generated transposed convolution are each
    /// other's adjoint: &lt;conv(x), u&gt; = &lt;x, convT(u)&gt; with the same weight. (The transposed convolution's own
    /// property test checks the identity the other way, against the definition of the convolution.)
    /// </summary>
    [Theory]
    [MemberData(nameof(ConvIndices))]
    public void Conv_is_the_adjoint_of_the_generated_transposed_convolution(int index)
    {
        ConvConfig c = kernels.Convs[index];
        var rng = new Random(4000 + index);
        int inLength = c.Cin * NaiveReference.Product(c.InSize), outLength = c.Cout * NaiveReference.Product(c.OutSize);
        double[] x = Integers(rng, inLength * c.Batch), w = Integers(rng, c.Cout * (c.Cin / c.Groups) * NaiveReference.Product(c.K));
        double[]? bias = c.Bias ? Integers(rng, c.Cout) : null;
        var y = new double[outLength * c.Batch];
        kernels.Run(c.Name, c.Batch, x, w, bias, y);

        for (int n = 0; n < c.Batch; n++)
        {
            double[] xn = x[(n * inLength)..((n + 1) * inLength)], yn = y[(n * outLength)..((n + 1) * outLength)];
            double[] withoutBias = bias is null ? yn : yn.Select((v, i) => v - bias[i / NaiveReference.Product(c.OutSize)]).ToArray();
            Assert.Equal(NaiveReference.Conv(xn, w, c.Cin, c.Cout, c.InSize, c.K, c.S, c.P, c.D, c.Groups, c.OutSize), withoutBias);

            double[] u = Integers(rng, outLength), back = new double[inLength];
            kernels.Run(c.Name + "_Adjoint", 1, u, w, null, back);
            Assert.Equal(Dot(xn, back), Dot(withoutBias, u));
        }
    }

    [Theory]
    [MemberData(nameof(Conv1x1Indices))]
    public void Conv1x1_is_a_matrix_product_over_channels(int index)
    {
        var c = kernels.Conv1x1s[index];
        var rng = new Random(2000 + index);
        int positions = NaiveReference.Product(c.Size);
        double[] x = Integers(rng, c.Cin * positions), w = Integers(rng, c.Cout * (c.Cin / c.Groups));
        double[]? bias = c.Bias ? Integers(rng, c.Cout) : null;
        var y = new double[c.Cout * positions];
        kernels.Run(c.Name, 1, x, w, bias, y);
        Assert.Equal(NaiveReference.MatMulOverChannels(x, w, bias, c.Cin, c.Cout, positions, c.Groups), y);
    }

    /// <summary>Nearest upsampling by integer factors s equals a depthwise transposed convolution with a ones kernel of size s and stride s.</summary>
    [Theory]
    [MemberData(nameof(NearestIndices))]
    public void Nearest_upsampling_is_a_depthwise_transposed_convolution_with_ones(int index)
    {
        var c = kernels.Nearest[index];
        var rng = new Random(3000 + index);
        float[] x = Enumerable.Range(0, c.Channels * NaiveReference.Product(c.Size)).Select(_ => (float)rng.NextDouble()).ToArray();
        int outLength = c.Channels * NaiveReference.Product(c.Size.Zip(c.Factors, (n, f) => n * f).ToArray());
        float[] upsampled = new float[outLength], deconvolved = new float[outLength];
        kernels.Run(c.Name, 1, x, null, null, upsampled);
        kernels.Run(c.Name + "_AsConvTranspose", 1, x, Enumerable.Repeat(1f, c.Channels * NaiveReference.Product(c.Factors)).ToArray(), null, deconvolved);
        Assert.Equal(deconvolved, upsampled);
        Assert.All(x, v => Assert.Contains(v, upsampled));
    }

    [Theory]
    [InlineData("ConvTranspose", "// Form: fully unrolled")]
    [InlineData("ConvTranspose", "tap [0")]
    [InlineData("ConvTranspose", "// Every element read is loaded once")]
    [InlineData("ConvTranspose", "] * weight[")]
    [InlineData("ConvTranspose", "for (int t0 = 0;")]
    [InlineData("ConvTranspose", "_Vector512_Phase")]
    [InlineData("ConvTranspose", "ArrayPool")]
    [InlineData("ConvTranspose", "for (int vl = 0; vl <")]
    [InlineData("ConvTranspose", "for (int mh = 0; mh <")]
    [InlineData("ConvTranspose", "ConditionalSelect(fromPhase0")]
    [InlineData("ConvTranspose", "registers; each phase one flat row of")]
    [InlineData("ConvTranspose", "); each phase one flat row of")]
    [InlineData("ConvTranspose", "lanes (Vector256) over the padded width")]
    [InlineData("ConvTranspose", "lanes (Vector512) over the padded width")]
    [InlineData("ConvTranspose", "lanes (Vector512) over 3 shifted copies of width")]
    [InlineData("ConvTranspose", "lanes (Vector256) over 3 shifted copies of width")]
    [InlineData("ConvTranspose", "treats this 1-D layer as a 2-D one of a single row")]
    [InlineData("ConvTranspose", "// Output channels in blocks of")]
    [InlineData("ConvTranspose", "runs each depth phase plane by plane")]
    [InlineData("ConvTranspose", "for (int qd = 0; qd <")]
    [InlineData("ConvTranspose", "for (int md = 0; md <")]
    [InlineData("Conv", "// Form: fully unrolled")]
    [InlineData("Conv", "reads only the padding")]
    [InlineData("Conv", "for (int t0 = 0;")]
    [InlineData("Conv", "tiles of 4 channels x")]
    [InlineData("Conv", "for (int column = 0; column <")]
    [InlineData("Conv", "for (int t = 0; t <")]
    [InlineData("Conv", "// column phase 1:")]
    [InlineData("Conv", "lanes are stored, from registers")]
    [InlineData("Conv1x1", "_Vector512(")]
    [InlineData("Conv1x1", "fewer than a vector: one vector ending")]
    [InlineData("Conv1x1", "// Form: loops with constant bounds")]
    [InlineData("Conv1x1", "// Form: fully unrolled")]
    [InlineData("Upsample", "no index is computed")]
    [InlineData("Upsample", "SourceWeight0")]
    [InlineData("Upsample", "Shuffle(input0")]
    [InlineData("Upsample", "Shuffle(value")]
    [InlineData("Upsample", "var part1 = ")]
    [InlineData("Upsample", "// Form: fully unrolled")]
    public void Random_configurations_reach_every_form(string op, string marker) =>
        Assert.Contains(kernels.Generated, file => file.Contains(": " + op, StringComparison.Ordinal) && file.Contains(marker, StringComparison.Ordinal));

    /// <summary>The dilated and 3-D layers above run the stride-phase vector form, not the scalar loops.</summary>
    [Theory]
    [InlineData("CT48")]
    [InlineData("CT49")]
    [InlineData("CT50")]
    [InlineData("CT51")]
    [InlineData("CT52")]
    [InlineData("CT53")]
    [InlineData("CT54")]
    [InlineData("CT55")]
    [InlineData("CT56")]
    [InlineData("CT57")]
    [InlineData("CT58")]
    [InlineData("CT59")]
    [InlineData("CT60")]
    [InlineData("CT61")]
    public void Dilated_and_3d_layers_take_the_vector_form(string name) =>
        Assert.Contains(kernels.Generated, file => file.Contains($".{name}, element type", StringComparison.Ordinal) && file.Contains($"{name}_Vector512_Phases0(", StringComparison.Ordinal));

    /// <summary>A phase plane of 9 x 17 doubles is 20 vectors of 8 lanes flat, against 27 row by row: the flat form.</summary>
    [Fact]
    public void Planes_of_up_to_24_vectors_take_the_flat_form()
    {
        string file = Assert.Single(kernels.Generated, file => file.Contains(".CT56, element type", StringComparison.Ordinal));
        string comments = GeneratedText.OneLine(file);
        Assert.True(comments.Contains("each phase one flat row of 153 lanes (Vector512)", StringComparison.Ordinal),
            string.Join("\n", file.Split('\n').Where(line => line.Contains("flat", StringComparison.Ordinal) || line.Contains("Vector512_Phases", StringComparison.Ordinal)).Take(10)));
    }

    /// <summary>The small-plane layers above read shifted copies with Vector512: their phases' rows follow each other with no padding column.</summary>
    [Theory]
    [InlineData("CT57")]
    [InlineData("CT58")]
    [InlineData("CT59")]
    [InlineData("CT60")]
    [InlineData("CT61")]
    [InlineData("CT62")]
    public void Small_planes_read_shifted_copies(string name)
    {
        string file = Assert.Single(kernels.Generated, file => file.Contains($".{name}, element type", StringComparison.Ordinal));
        string comments = GeneratedText.OneLine(file);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(comments, @"lanes \(Vector512\) over \d shifted copies of width"),
            string.Join("\n", file.Split('\n').Where(line => line.Contains("flat", StringComparison.Ordinal) || line.Contains("copies", StringComparison.Ordinal)).Take(10)));
    }

    /// <summary>The transposed and 1x1 convolutions above whose channels lie 4 KiB apart read a copy with its channels spaced, with Vector128.</summary>
    [Theory]
    [InlineData("CT63")]
    [InlineData("CT64")]
    [InlineData("CT65")]
    [InlineData("PW18")]
    [InlineData("PW19")]
    public void Channels_4_KiB_apart_are_copied_further_apart(string name)
    {
        string file = Assert.Single(kernels.Generated, file => file.Contains($".{name}, element type", StringComparison.Ordinal));
        string vector128 = file[file.IndexOf($"void {name}_Vector128(", StringComparison.Ordinal)..];
        string comments = GeneratedText.OneLine(vector128[..vector128.IndexOf("finally", StringComparison.Ordinal)]);
        Assert.True(comments.Contains("The 8 elements after each channel are never read: 4096-byte channels", StringComparison.Ordinal), comments);
    }

    /// <summary>The convolutions above whose rows are off the vector width run each plane as one flat run over shifted copies.</summary>
    [Theory]
    [InlineData("C48")]
    [InlineData("C49")]
    [InlineData("C50")]
    [InlineData("C51")]
    [InlineData("C52")]
    [InlineData("C53")]
    [InlineData("C54")]
    public void Convolutions_with_rows_off_the_vector_width_run_flat(string name)
    {
        string file = Assert.Single(kernels.Generated, file => file.Contains($".{name}, element type", StringComparison.Ordinal));
        string comments = GeneratedText.OneLine(file);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(comments, @"Vector512: each plane one flat run of \d+ outputs, in tiles of \d+ channels x \d vectors of 8 lanes, over \d+ shifted copies"),
            string.Join("\n", file.Split('\n').Where(line => line.Contains("One sample", StringComparison.Ordinal)).Take(10)));
    }

    /// <summary>
    /// Every activation, float and double, in the vector form of this process's width and in the unrolled form,
    /// against the exact values: the relative error within <see cref="ActivationAccuracy.Bounds"/> wherever the exact
    /// result is a normal number, the absolute error within a few of the smallest subnormals below that, and NaN and
    /// the infinities as PyTorch gives them. The child runs of <see cref="HardwarePathTests"/> repeat it at every width
    /// and in the scalar loops.
    /// </summary>
    [Theory]
    [MemberData(nameof(ActivationAccuracy.Cases), MemberType = typeof(ActivationAccuracy))]
    public void Activations_keep_their_relative_precision_everywhere(string kind, bool isDouble)
    {
        foreach ((bool unrolled, bool alone) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            ActivationAccuracy.Measured measured = ActivationAccuracy.Measure(kind, isDouble, unrolled, alone, kernels.RunArrays);
            (double core, double relative, double subnormals) = ActivationAccuracy.Bounds[(kind, isDouble)];
            string form = (unrolled ? "unrolled" : "vector") + (alone ? ", [Activate]" : ", fused");
            Assert.True(measured.Mismatches.Count == 0, $"{kind} ({form}): " + string.Join("; ", measured.Mismatches.Take(8)));
            Assert.True(measured.CoreRelative <= core && measured.Relative <= relative && measured.Subnormals <= subnormals,
                $"{kind} {(isDouble ? "double" : "float")} ({form}): {measured}; bounds {core:E2}, {relative:E2}, {subnormals}");
        }
    }

    [Fact]
    public void Linear_upsampling_keeps_a_constant()
    {
        foreach (var c in kernels.Linear)
        {
            int outSize = (int)Math.Floor(c.Size * c.Scale);
            float[] x = Enumerable.Repeat(3.25f, (int)Math.Pow(c.Size, c.Rank)).ToArray();
            var y = new float[(int)Math.Pow(outSize, c.Rank)];
            kernels.Run(c.Name, 1, x, null, null, y);
            Assert.All(y, v => Assert.True(Math.Abs(v - 3.25f) <= 4e-7f * 3.25f, $"{c.Name}: {v:R}"));
        }
    }

    /// <summary>
    /// A ramp along the last axis stays a ramp: with align_corners the corners map to the corners, so output o holds
    /// o*(in-1)/(out-1); without, output o holds (o + 0.5)/scale - 0.5 wherever that lies inside the input.
    /// </summary>
    [Fact]
    public void Linear_upsampling_reproduces_a_ramp()
    {
        foreach (var c in kernels.Linear)
        {
            int outSize = (int)Math.Floor(c.Size * c.Scale);
            int inLength = (int)Math.Pow(c.Size, c.Rank), outLength = (int)Math.Pow(outSize, c.Rank);
            float[] x = Enumerable.Range(0, inLength).Select(i => (float)(i % c.Size)).ToArray();
            var y = new float[outLength];
            kernels.Run(c.Name, 1, x, null, null, y);
            for (int i = 0; i < outLength; i++)
            {
                int o = i % outSize;
                double expected = c.Align ? o * (c.Size - 1.0) / (outSize - 1) : ((o + 0.5) / c.Scale) - 0.5;
                if (expected < 0 || expected > c.Size - 1)
                {
                    continue;
                }

                Assert.True(Math.Abs(y[i] - expected) <= 1e-5 * c.Size, $"{c.Name}: output {i} is {y[i]:R}, the ramp gives {expected:R}");
            }
        }
    }
}
