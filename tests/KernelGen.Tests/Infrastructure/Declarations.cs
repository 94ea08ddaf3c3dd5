using System.Globalization;
using System.Text;

namespace KernelGen.Tests.Infrastructure;

/// <summary>
/// Writes kernel declarations as a user would, plus a public wrapper per kernel that takes arrays, so that the
/// tests can call kernels compiled in memory through reflection (spans cannot be boxed).
/// </summary>
public sealed class Declarations
{
    private readonly StringBuilder _body = new();

    public string Source => $$"""
        using System;
        using KernelGen;

        namespace Generated;

        public static partial class Kernels
        {
        {{_body}}}
        """;

    /// <summary>
    /// Adds a kernel called <paramref name="name"/> and its wrapper <c>Run_{name}(int batch, T[] input, T[] weight, T[] bias, T[] output)</c>,
    /// and, with a weight and a bias, <c>Fold_{name}</c> for its generated batch-norm fold.
    /// A batch other than 1 declares the batched form (a leading int parameter). With <paramref name="otherShape"/>, the
    /// kernel takes a second operand of that shape after the input (<c>[Add]</c>, <c>[Mul]</c>), which the wrapper passes
    /// its weight array as. PReLU's slopes and a <paramref name="residual"/> are the wrapper's last parameters, in that order.
    /// </summary>
    /// <param name="foldsBatchNorm">Whether a weight and a bias make a weighted layer with a generated {M}FoldBatchNorm (not a normalization's affine map).</param>
    public void Add(string name, string attribute, bool isDouble, int[] inputShape, int[] outputShape, bool hasWeight, bool hasBias, bool batched,
        int[]? otherShape = null, bool foldsBatchNorm = true, int[]? slopeShape = null, bool residual = false)
    {
        string t = isDouble ? "double" : "float";
        var parameters = new List<string>();
        var arguments = new List<string>();
        if (batched)
        {
            parameters.Add("int batch");
            arguments.Add("batch");
        }

        parameters.Add($"[Shape({string.Join(", ", inputShape)})] ReadOnlySpan<{t}> input");
        arguments.Add("input");
        if (hasWeight)
        {
            parameters.Add($"ReadOnlySpan<{t}> weight");
            arguments.Add("weight");
        }

        if (hasBias)
        {
            parameters.Add($"ReadOnlySpan<{t}> bias");
            arguments.Add("bias");
        }

        if (otherShape is not null)
        {
            parameters.Add($"[Shape({string.Join(", ", otherShape)})] ReadOnlySpan<{t}> other");
            arguments.Add("weight");
        }

        if (residual)
        {
            parameters.Add($"[Residual] ReadOnlySpan<{t}> residual");
            arguments.Add("residual");
        }

        if (slopeShape is not null)
        {
            parameters.Add($"[Shape({string.Join(", ", slopeShape)})] ReadOnlySpan<{t}> slope");
            arguments.Add("slope");
        }

        parameters.Add($"[Shape({string.Join(", ", outputShape)})] Span<{t}> output");
        arguments.Add("output");
        _body.AppendLine($"    {attribute}");
        _body.AppendLine($"    public static partial void {name}({string.Join(", ", parameters)});");
        // PReLU's slopes, then the residual, come last in the wrapper, so that every other kernel's keeps its five parameters.
        string extras = (slopeShape is null ? string.Empty : $", {t}[] slope") + (residual ? $", {t}[] residual" : string.Empty);
        _body.AppendLine($"    public static void Run_{name}(int batch, {t}[] input, {t}[] weight, {t}[] bias, {t}[] output{extras}) => {name}({string.Join(", ", arguments)});");
        if (hasWeight && hasBias && foldsBatchNorm)
        {
            _body.AppendLine($"    public static void Fold_{name}({t}[] weight, {t}[] bias, {t}[] gamma, {t}[] beta, {t}[] mean, {t}[] variance, double eps) => {name}FoldBatchNorm(weight, bias, gamma, beta, mean, variance, eps);");
        }

        _body.AppendLine();
    }

    /// <summary><c>[ConvTranspose(...)]</c>, scalar arguments where every axis agrees, per-axis arrays otherwise.</summary>
    public static string ConvTransposeAttribute(int[] k, int[] s, int[] p, int[] op, int[] d, int groups) =>
        WindowAttribute("ConvTranspose", k, s, p, op, d, groups);

    /// <summary><c>[Conv(...)]</c>, scalar arguments where every axis agrees, per-axis arrays otherwise.</summary>
    public static string ConvAttribute(int[] k, int[] s, int[] p, int[] d, int groups) => WindowAttribute("Conv", k, s, p, null, d, groups);

    private static string WindowAttribute(string name, int[] k, int[] s, int[] p, int[]? op, int[] d, int groups)
    {
        static bool Same(int[] v) => v.All(x => x == v[0]);
        static string Array(string name, int[] v) => $"{name} = new[] {{ {string.Join(", ", v)} }}";
        var constructor = new List<string>();
        var properties = new List<string>();
        if (Same(k))
        {
            constructor.Add($"k: {k[0]}");
            (Same(s) ? constructor : properties).Add(Same(s) ? $"stride: {s[0]}" : Array("Strides", s));
            (Same(p) ? constructor : properties).Add(Same(p) ? $"pad: {p[0]}" : Array("Pads", p));
        }
        else
        {
            // A rectangular kernel goes with the parameterless constructor: every value as a property.
            properties.Add(Array("Kernel", k));
            properties.Add(Array("Strides", s));
            properties.Add(Array("Pads", p));
        }

        if (op is not null)
        {
            properties.Add(Same(op) ? $"OutputPadding = {op[0]}" : Array("OutputPaddings", op));
        }

        properties.Add(Same(d) ? $"Dilation = {d[0]}" : Array("Dilations", d));
        properties.Add($"Groups = {groups}");
        return $"[{name}({string.Join(", ", constructor.Concat(properties))})]";
    }

    /// <summary>
    /// <c>[MaxPool(...)]</c> or <c>[AvgPool(...)]</c> as a user writes it: the window alone where the stride defaults to
    /// it, the scalar constructor for square windows, the per-axis properties otherwise.
    /// </summary>
    public static string PoolAttribute(string name, int[] k, int[]? s, int[] p, int[] d, bool ceilMode, bool countIncludePad, int divisorOverride)
    {
        static bool Same(int[] v) => v.All(x => x == v[0]);
        static string Array(string name, int[] v) => $"{name} = new[] {{ {string.Join(", ", v)} }}";
        var arguments = new List<string>();
        if (Same(k) && (s is null || Same(s)) && Same(p))
        {
            arguments.Add($"k: {k[0]}");
            if (s is not null || p[0] != 0)
            {
                arguments.Add($"stride: {(s ?? k)[0]}");
                arguments.Add($"pad: {p[0]}");
            }
        }
        else
        {
            arguments.Add(Array("Kernel", k));
            if (s is not null)
            {
                arguments.Add(Array("Strides", s));
            }

            arguments.Add(Array("Pads", p));
        }

        if (d.Any(x => x != 1))
        {
            arguments.Add(Same(d) ? $"Dilation = {d[0]}" : Array("Dilations", d));
        }

        if (ceilMode)
        {
            arguments.Add("CeilMode = true");
        }

        if (!countIncludePad && name == "AvgPool")
        {
            arguments.Add("CountIncludePad = false");
        }

        if (divisorOverride != 0)
        {
            arguments.Add($"DivisorOverride = {divisorOverride}");
        }

        return $"[{name}({string.Join(", ", arguments)})]";
    }

    public static string UpsampleAttribute(double[] scales, string torchMode, bool alignCorners)
    {
        string mode = torchMode switch
        {
            "nearest" => "UpsampleMode.Nearest",
            "nearest-exact" => "UpsampleMode.NearestExact",
            "linear" => "UpsampleMode.Linear",
            "bicubic" => "UpsampleMode.Cubic",
            _ => throw new ArgumentException(torchMode),
        };
        // No scales: to the output's size.
        string scale = scales.Length == 0 ? string.Empty
            : scales.All(s => s == scales[0])
                ? $"scale: {Number(scales[0])}, "
                : $"Scales = new double[] {{ {string.Join(", ", scales.Select(Number))} }}, ";
        return $"[Upsample({scale}Mode = {mode}{(alignCorners ? ", AlignCorners = true" : string.Empty)})]";
    }

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
