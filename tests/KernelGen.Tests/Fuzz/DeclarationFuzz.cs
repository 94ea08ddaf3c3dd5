using System.Globalization;
using KernelGen.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KernelGen.Tests.Fuzz;

/// <summary>
/// Seeded random declarations of every operator, rank, element type and form, a share of them with buffers near and
/// past int.MaxValue elements, each judged by the rules of PyTorch's shape arithmetic and .NET's span lengths computed
/// here independently: a valid declaration must build with no error or warning at all (its kernel included); an
/// invalid one must give exactly one error, a KernelGen error among those its mistakes call for, and nothing in a
/// generated file. Reproduce a run with its seed and count.
/// </summary>
public static class DeclarationFuzz
{
    public sealed record Declaration(string Name, string Source, string[] Expected, bool Huge)
    {
        public override string ToString() => $"{Name} (expected {(Expected.Length == 0 ? "no error" : string.Join(" or ", Expected))}): {Source}";
    }

    public sealed record Outcome(int Valid, int Invalid, int Huge, List<string> Failures);

    private static readonly string[] Operators = ["Conv", "ConvTranspose", "Conv1x1", "Upsample", "MaxPool", "AvgPool", "AdaptiveAvgPool", "AdaptiveMaxPool", "Activate", "Add", "Mul", "Affine", "PixelShuffle", "PixelUnshuffle", "InstanceNorm", "GroupNorm", "Softmax"];

    /// <summary>The constants an activation is drawn with: Clamp needs a bound; Elu and Clamp take theirs as properties.</summary>
    private static string Constants(string activation) => activation switch
    {
        "Clamp" => ", Min = -1, Max = 2",
        "Elu" => ", Alpha = 0.5",
        _ => string.Empty,
    };

    private static readonly string[] Activations = ["None", "Relu", "LeakyRelu", "Relu6", "Tanh", "Sigmoid", "Silu", "Gelu", "GeluTanh", "HardSigmoid", "HardSwish", "Elu", "Softplus", "Mish", "Clamp", "PRelu"];

    /// <summary>Runs <paramref name="count"/> declarations from <paramref name="seed"/>, <paramref name="batch"/> to a compilation.</summary>
    public static Outcome Run(int seed, int count, int batch = 25)
    {
        var rng = new Random(seed);
        var declarations = Enumerable.Range(0, count).Select(i => Next(rng, $"K{i}")).ToList();
        var failures = new List<string>();
        for (int start = 0; start < declarations.Count; start += batch)
        {
            Judge(declarations.Skip(start).Take(batch).ToList(), failures);
        }

        return new Outcome(declarations.Count(d => d.Expected.Length == 0), declarations.Count(d => d.Expected.Length > 0), declarations.Count(d => d.Huge), failures);
    }

    private static void Judge(List<Declaration> declarations, List<string> failures)
    {
        // Each declaration in a class and a file of its own, so that every error can be traced to the one it belongs to.
        string[] sources = declarations.Select(d => $"using System;\nusing KernelGen;\npublic static partial class {d.Name}\n{{\n    {d.Source}\n}}\n").ToArray();
        GeneratorRun run = GeneratorHarness.Run(sources);
        if (run.Result.Results.Select(r => r.Exception).FirstOrDefault(e => e is not null) is { } thrown)
        {
            failures.Add("the generator threw: " + thrown);
            return;
        }

        Diagnostic[] diagnostics = [.. run.Output.GetDiagnostics().Concat(run.GeneratorDiagnostics).Where(d => d.Severity >= DiagnosticSeverity.Warning)];
        // A diagnostic without a file (KG9999 from the emit stage) cannot be traced to a declaration: a failure of the batch.
        failures.AddRange(diagnostics.Where(d => string.IsNullOrEmpty(d.Location.GetLineSpan().Path))
            .Select(d => $"in a batch from {declarations[0].Name}: {d.Id} {d.GetMessage(CultureInfo.InvariantCulture)}"));
        for (int i = 0; i < declarations.Count; i++)
        {
            Declaration declaration = declarations[i];
            string userFile = $"User{i}.cs";
            string generatedPrefix = declaration.Name + ".";
            static string FileOf(Diagnostic d) => Path.GetFileName(d.Location.GetLineSpan().Path ?? string.Empty);
            Diagnostic[] mine = [.. diagnostics.Where(d => FileOf(d) is var file && (file == userFile || file.StartsWith(generatedPrefix, StringComparison.Ordinal)))];
            string found = string.Join("; ", mine.Select(d => $"{d.Id} in {FileOf(d)}: {d.GetMessage(CultureInfo.InvariantCulture)}"));
            // Buffers past int.MaxValue are as many mistakes: one KG0011 each (input, a second operand, output).
            bool ok = declaration.Expected.Length == 0
                ? mine.Length == 0
                : mine.Length >= 1 && mine.Length <= (declaration.Expected.Contains("KG0011") ? 3 : 1)
                    && mine.All(e => declaration.Expected.Contains(e.Id) && e.Severity == DiagnosticSeverity.Error
                        && !FileOf(e).StartsWith(generatedPrefix, StringComparison.Ordinal));
            if (!ok)
            {
                failures.Add($"{declaration}\n    got: {(found.Length == 0 ? "nothing" : found)}");
            }
        }
    }

    /// <summary>One declaration, and what its buffers and arithmetic call for.</summary>
    private static Declaration Next(Random rng, string name)
    {
        int rank = rng.Next(1, 4);
        string op = Operators[rng.Next(Operators.Length)];
        bool huge = rng.Next(4) == 0;
        string element = rng.Next(2) == 0 ? "float" : "double";
        int groups = rng.Next(3) == 0 ? 2 : 1;
        int cin = huge ? groups : groups * rng.Next(1, 4), cout = huge ? groups : groups * rng.Next(1, 4);
        bool weighted = op is "Conv" or "ConvTranspose" or "Conv1x1";
        bool fusesActivation = weighted || op is "Add" or "Mul" or "Affine" or "InstanceNorm" or "GroupNorm";
        if (!weighted)
        {
            // Every other operator keeps the channels.
            cout = cin;
        }

        long[] size = huge ? HugeSize(rng, rank) : Enumerable.Range(0, rank).Select(_ => (long)rng.Next(1, rank == 3 ? 9 : 24)).ToArray();
        int[] k = Axes(rank, rng, 1, 5), s = Axes(rank, rng, 1, 3), d = Axes(rank, rng, 1, 2);
        int[] p = k.Select((kk, a) => rng.Next(0, (d[a] * (kk - 1) / 2) + 2)).ToArray();
        int[] outputPadding = s.Select((ss, a) => rng.Next(0, Math.Max(ss, d[a]))).ToArray();
        string attribute;
        long[] output;
        long weight;
        int taps = 0;
        bool tooMuchPadding = false, wrongOther = false, pixelShuffleMistake = false, affine = false, fromSize = false, prelu = false;
        long[]? otherShape = null;
        var expected = new List<string>();
        switch (op)
        {
            case "Conv":
                attribute = Declarations.ConvAttribute(k, s, p, d, groups);
                // A padding mode in a third of them: a reflection's pad below the size, a wrap's at most the size, and the
                // padded input within int (PyTorch's rules, and a span's).
                string paddingMode = new[] { "Zeros", "Zeros", "Zeros", "Reflect", "Replicate", "Circular" }[rng.Next(6)];
                if (paddingMode != "Zeros")
                {
                    attribute = attribute[..^2] + $", PaddingMode = PaddingMode.{paddingMode})]";
                }

                // Pads that differ at the end of each axis in a fifth of them (ONNX's, TensorFlow's SAME).
                int[] end = rng.Next(5) == 0 ? p.Select(pp => rng.Next(0, pp + 2)).ToArray() : p;
                if (!end.SequenceEqual(p))
                {
                    attribute = attribute[..^2] + $", PadsEnd = new[] {{ {string.Join(", ", end)} }})]";
                }

                if (paddingMode != "Zeros" || !end.SequenceEqual(p))
                {
                    long paddedCount = cin * size.Select((n, a) => n + p[a] + (long)end[a]).Aggregate(1L, (x, y) => x * y);
                    tooMuchPadding = paddedCount > int.MaxValue
                        || size.Where((n, a) => paddingMode == "Reflect" ? Math.Max(p[a], end[a]) >= n : paddingMode == "Circular" && Math.Max(p[a], end[a]) > n).Any();
                }

                output = size.Select((n, a) => ((n + p[a] + end[a] - (d[a] * (k[a] - 1)) - 1) / s[a]) + 1).ToArray();
                // C# division truncates toward zero; PyTorch's size is the floor, and a window past the padded input has none.
                output = output.Select((o, a) => size[a] + p[a] + end[a] < (d[a] * (k[a] - 1)) + 1 ? 0 : o).ToArray();
                weight = (long)cout * (cin / groups) * k.Aggregate(1L, (x, y) => x * y);
                break;
            case "ConvTranspose":
                attribute = Declarations.ConvTransposeAttribute(k, s, p, outputPadding, d, groups);
                output = size.Select((n, a) => ((n - 1) * s[a]) - (2 * p[a]) + (d[a] * (k[a] - 1)) + outputPadding[a] + 1).ToArray();
                weight = (long)cin * (cout / groups) * k.Aggregate(1L, (x, y) => x * y);
                break;
            case "Conv1x1":
                attribute = $"[Conv1x1(Groups = {groups})]";
                output = size;
                weight = (long)cout * (cin / groups);
                break;
            case "MaxPool" or "AvgPool":
                // PyTorch's pooling: the stride is the window unless given, padding at most half the window (not its
                // dilated extent), no dilation in an average; in ceil mode the last window is dropped when it would start
                // at or past the input and its left padding.
                bool max = op == "MaxPool", ceil = rng.Next(3) == 0, strideGiven = rng.Next(2) == 0;
                int[] dilation = max ? d : Enumerable.Repeat(1, rank).ToArray();
                int[] stride = strideGiven ? s : k;
                int[] pads = k.Select(kk => rng.Next(0, (kk / 2) + 2)).ToArray();
                attribute = Declarations.PoolAttribute(op, k, strideGiven ? s : null, pads, dilation, ceil, countIncludePad: rng.Next(2) == 0, divisorOverride: max || rng.Next(3) > 0 ? 0 : rng.Next(1, 10));
                // The pad after the input different in a fifth of them (ONNX's asymmetric pads), under the same rule.
                int[] padsEnd = rng.Next(5) == 0 ? k.Select(kk => rng.Next(0, (kk / 2) + 2)).ToArray() : pads;
                if (!padsEnd.SequenceEqual(pads))
                {
                    attribute = attribute[..^2] + (attribute.EndsWith("()]", StringComparison.Ordinal) ? string.Empty : ", ") + $"PadsEnd = new[] {{ {string.Join(", ", padsEnd)} }})]";
                }

                output = size.Select((n, a) =>
                {
                    long span = n + pads[a] + (long)padsEnd[a] - (dilation[a] * (k[a] - 1)) - 1;
                    long o = (long)Math.Floor((double)(span + (ceil ? stride[a] - 1 : 0)) / stride[a]) + 1;
                    return ceil && o > 0 && (o - 1) * stride[a] >= n + pads[a] ? o - 1 : o;
                }).ToArray();
                weight = 0;
                tooMuchPadding = pads.Where((pp, a) => pp > k[a] / 2 || padsEnd[a] > k[a] / 2).Any();

                break;
            case "AdaptiveAvgPool" or "AdaptiveMaxPool":
                // Any output size of at least 1 is valid, larger than the input too (windows then repeat inputs).
                output = size.Select(n => huge ? Math.Max(1, n / rng.Next(1, 5)) : rng.Next(1, (int)n + 3)).Select(o => (long)o).ToArray();
                attribute = output.All(o => o == output[0]) ? $"[{op}({output[0]})]" : $"[{op}(Sizes = new[] {{ {string.Join(", ", output)} }})]";
                weight = 0;
                break;
            case "Activate":
                output = size;
                string alone = Activations[rng.Next(1, Activations.Length)];
                attribute = $"[Activate(Activation.{alone}{Constants(alone)})]";
                prelu = alone == "PRelu";
                weight = 0;
                break;
            case "Add" or "Mul":
                // The second operand: each dimension the input's or 1 (broadcast), in a tenth of them one that is neither.
                output = size;
                otherShape = new[] { (long)cin }.Concat(size).Select(n => rng.Next(3) == 0 ? 1 : n).ToArray();
                long[] full = [cin, .. size];
                int[] wideAxes = Enumerable.Range(0, full.Length).Where(axis => full[axis] > 1).ToArray();
                if (rng.Next(10) == 0 && wideAxes.Length > 0)
                {
                    int axis = wideAxes[rng.Next(wideAxes.Length)];
                    otherShape[axis] = full[axis] == 2 ? 3 : 2;
                    wrongOther = true;
                }

                attribute = $"[{op}]";
                weight = 0;
                break;
            case "PixelShuffle" or "PixelUnshuffle":
            {
                // 2-D only; the channels a multiple of r*r (shuffle), the height and width multiples of r (unshuffle).
                int r = rng.Next(1, 4);
                bool shuffle = op == "PixelShuffle";
                attribute = $"[{op}({r}{(rng.Next(2) == 0 ? ", Order = PixelShuffleOrder.BlocksFirst" : string.Empty)})]";
                weight = 0;
                if (shuffle && rng.Next(8) > 0)
                {
                    cin = r * r * rng.Next(1, 3);
                }

                cout = shuffle ? cin / (r * r) : cin * r * r;
                output = rank != 2 ? size : shuffle ? size.Select(n => n * r).ToArray() : size.Select(n => n / r).ToArray();
                pixelShuffleMistake = rank != 2 || (shuffle ? cin % (r * r) != 0 : size.Any(n => n % r != 0));
                if (pixelShuffleMistake)
                {
                    cout = Math.Max(cout, 1);
                    output = output.Select(o => Math.Max(o, 1)).ToArray();
                }

                break;
            }

            case "InstanceNorm" or "GroupNorm":
                // The channels in groups that must divide them (a group per channel for an instance norm); the weight and
                // bias of the affine map together or not at all.
                output = size;
                weight = 0;
                affine = rng.Next(2) == 0;
                int normGroups = rng.Next(1, 5);
                attribute = op == "InstanceNorm" ? "[InstanceNorm]" : $"[GroupNorm({normGroups})]";
                tooMuchPadding = op == "GroupNorm" && cin % normGroups != 0;
                break;
            case "Softmax":
                output = size;
                attribute = rng.Next(2) == 0 ? "[Softmax]" : "[Softmax(Log = true)]";
                weight = 0;
                break;
            case "Affine":
                output = size;
                attribute = $"[Affine(Scale = {new[] { "0.5", "3", "1.0 / 3", "-1" }[rng.Next(4)]}, Offset = {new[] { "0", "0.25", "-1" }[rng.Next(3)]})]";
                weight = 0;
                break;
            default:
                string mode = new[] { "nearest", "nearest-exact", "linear", "bicubic" }[rng.Next(rank == 2 ? 4 : 3)];
                // In a fifth of them no scale: to the output's size, any size of at least 1 (larger or smaller).
                fromSize = rng.Next(5) == 0;
                double[] scales = fromSize ? [] : Enumerable.Range(0, rank).Select(_ => new[] { 2.0, 3.0, 1.5, 0.5, 2.5 }[rng.Next(5)]).ToArray();
                attribute = Declarations.UpsampleAttribute(scales, mode, alignCorners: mode is "linear" or "bicubic" && rng.Next(2) == 0);
                output = fromSize
                    ? size.Select(n => huge ? Math.Max(1, n / rng.Next(1, 5)) : rng.Next(1, (int)(2 * n) + 2)).Select(o => (long)o).ToArray()
                    : size.Select((n, a) => (long)Math.Floor(n * scales[a])).ToArray();
                weight = 0;
                taps = mode switch { "linear" => 2, "bicubic" => 4, _ => 1 };
                break;
        }

        string activation = fusesActivation ? Activations[rng.Next(Activations.Length)] : "None";
        prelu |= activation == "PRelu";
        if (activation != "None")
        {
            attribute = attribute.TrimEnd(']', ')') + (attribute.Contains('(') ? ", " : "(") + $"Activation = Activation.{activation}{Constants(activation)})]";
        }

        // What the declaration says: the computed output (at least 1 on each axis, the rest is KG0002's to report), and
        // in a fifth of the declarations the output shape off by one on an axis.
        // A [Shape] holds ints: an output past int.MaxValue is declared as int.MaxValue (KernelGen must then say the
        // computed shape cannot exist, not offer to write it).
        long[] declared = output.Select(o => Math.Clamp(o, 1, int.MaxValue)).ToArray();
        if (rng.Next(5) == 0 && !fromSize)
        {
            int axis = rng.Next(rank);
            declared[axis] += declared[axis] > 1 && (declared[axis] == int.MaxValue || rng.Next(2) == 0) ? -1 : 1;
        }

        // The rules, in the order of their checks: a buffer past int.MaxValue elements (a span cannot hold it), then an
        // invalid argument, then a window with no output, then an output shape that is not the computed one.
        long inputCount = cin * size.Aggregate(1L, (x, y) => x * y), outputCount = cout * declared.Aggregate(1L, (x, y) => x * y);
        long computedCount = output.Any(o => o < 1) ? 0 : cout * output.Aggregate(1L, (x, y) => x * y);
        long otherCount = otherShape?.Aggregate(1L, (x, y) => x * y) ?? 0;
        if (inputCount > int.MaxValue || outputCount > int.MaxValue || otherCount > int.MaxValue || weight > int.MaxValue || output.Any(o => o * taps > 0x7FFFFFC7))
        {
            // A span past int.MaxValue, or an upsampling axis whose source table (taps per output position) passes
            // .NET's largest array.
            expected.Add("KG0011");
        }
        else if (tooMuchPadding)
        {
            // A pool's padding past half its window, a padding mode's pad past its limit, or groups that do not divide the
            // channels: an invalid argument, before any shape is computed from it.
            expected.Add("KG0003");
        }
        else if (pixelShuffleMistake)
        {
            // Not 2-D, or sizes the factor does not divide: the input's [Shape] cannot be rearranged.
            expected.Add("KG0007");
        }
        else if (wrongOther)
        {
            // A second operand whose dimension is neither the input's nor 1: no broadcast makes it fit.
            expected.Add("KG0007");
        }
        else if (output.Any(o => o < 1))
        {
            expected.Add("KG0002");
        }
        else if (!declared.SequenceEqual(output))
        {
            expected.Add(computedCount > int.MaxValue ? "KG0011" : "KG0001");
        }

        bool batched = rng.Next(3) == 0;
        bool bias = weighted && rng.Next(2) == 0;
        // A residual of the declared output's shape, its [Shape] given or not: never a mistake of its own.
        bool residual = weighted && rng.Next(4) == 0;
        string Shape(long channels, long[] dims) => $"[Shape({channels}, {string.Join(", ", dims)})]";
        string parameters = (batched ? "int batch, " : string.Empty)
            + $"{Shape(cin, size)} ReadOnlySpan<{element}> input, "
            + (weighted ? $"ReadOnlySpan<{element}> weight, " : string.Empty)
            + (affine ? $"ReadOnlySpan<{element}> weight, ReadOnlySpan<{element}> bias, " : string.Empty)
            + (otherShape is null ? string.Empty : $"{Shape(otherShape[0], otherShape[1..])} ReadOnlySpan<{element}> other, ")
            + (bias ? $"ReadOnlySpan<{element}> bias, " : string.Empty)
            + (residual ? $"[Residual{(rng.Next(2) == 0 ? ", " + Shape(cout, declared)[1..^1] : string.Empty)}] ReadOnlySpan<{element}> residual, " : string.Empty)
            + (prelu ? $"{(rng.Next(3) == 0 ? "[Shape(1)] " : string.Empty)}ReadOnlySpan<{element}> slope, " : string.Empty)
            + $"{Shape(cout, declared)} Span<{element}> output";
        return new Declaration(name, $"{attribute} public static partial void Run({parameters});", [.. expected.Distinct()], huge);
    }

    private static int[] Axes(int rank, Random rng, int low, int high) => Enumerable.Range(0, rank).Select(_ => rng.Next(low, high + 1)).ToArray();

    /// <summary>Spatial sizes whose product is near or past int.MaxValue: 2^31 - 1, 2^31, 2^30 +- a little, 2^32.</summary>
    private static long[] HugeSize(Random rng, int rank)
    {
        long target = new[] { int.MaxValue, 1L << 31, (1L << 30) + rng.Next(-9, 10), 1L << 32, (1L << 29) + 3, int.MaxValue / 3 }[rng.Next(6)];
        var dims = new long[rank];
        long remaining = target;
        for (int a = 0; a < rank - 1; a++)
        {
            dims[a] = Math.Max(1, (long)Math.Round(Math.Pow(remaining, 1.0 / (rank - a))) + rng.Next(-2, 3));
            remaining = Math.Max(1, remaining / dims[a]);
        }

        dims[rank - 1] = Math.Min(remaining, int.MaxValue);
        return dims;
    }
}
