using KernelGen.Tests.Infrastructure;

namespace KernelGen.Tests;

/// <summary>
/// [PixelShuffle] and [PixelUnshuffle] against their definition written here, at widths that reach every vector form
/// (a deep-side row of one, several and a part of a vector at each width), factors 1 to 4, both orders, float and
/// double, in default and checked access; and the round trip, unshuffle after shuffle, is the identity.
/// </summary>
public sealed class PixelShuffleTests
{
    private static readonly (int Factor, int Channels, int Height, int Width, bool BlocksFirst, bool IsDouble)[] Cases =
    [
        (2, 2, 3, 16, false, false), (2, 1, 2, 37, true, false), (3, 2, 2, 21, false, false), (3, 1, 3, 64, true, false),
        (4, 1, 2, 19, false, false), (1, 2, 2, 17, false, false), (2, 2, 3, 8, false, true), (3, 1, 2, 13, true, true),
        (2, 3, 2, 35, false, true), (4, 1, 1, 9, true, true),
    ];

    private static string Source()
    {
        var body = new System.Text.StringBuilder();
        for (int n = 0; n < Cases.Length; n++)
        {
            var (r, c, h, w, blocksFirst, isDouble) = Cases[n];
            string t = isDouble ? "double" : "float", order = blocksFirst ? ", Order = PixelShuffleOrder.BlocksFirst" : string.Empty;
            string deep = $"[Shape({c * r * r}, {h}, {w})]", wide = $"[Shape({c}, {h * r}, {w * r})]";
            body.AppendLine($"[PixelShuffle({r}{order})] public static partial void Shuffle{n}(int batch, {deep} ReadOnlySpan<{t}> input, {wide} Span<{t}> output);");
            body.AppendLine($"[PixelUnshuffle({r}{order})] public static partial void Unshuffle{n}(int batch, {wide} ReadOnlySpan<{t}> input, {deep} Span<{t}> output);");
            body.AppendLine($"public static void RunShuffle{n}(int batch, {t}[] input, {t}[] output) => Shuffle{n}(batch, input, output);");
            body.AppendLine($"public static void RunUnshuffle{n}(int batch, {t}[] input, {t}[] output) => Unshuffle{n}(batch, input, output);");
        }

        return "using System;\nusing KernelGen;\npublic static partial class Layers\n{\n" + body + "}\n";
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Shuffles_match_their_definition_and_unshuffle_inverts_them(bool checkedAccess)
    {
        Type layers = GeneratorHarness.CompileAndLoad(out _, checkedAccess, Source()).GetType("Layers")!;
        const int batch = 2;
        for (int n = 0; n < Cases.Length; n++)
        {
            var (r, c, h, w, blocksFirst, isDouble) = Cases[n];
            int count = c * r * r * h * w;
            // Distinct values, exact in float: a misplaced element cannot hide.
            double[] deep = Enumerable.Range(0, batch * count).Select(i => (double)i).ToArray();
            double[] expected = new double[deep.Length];
            for (int b = 0; b < batch; b++)
            for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < r; i++)
            for (int j = 0; j < r; j++)
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int deepChannel = blocksFirst ? ((i * r) + j) * c + ch : (ch * r * r) + (i * r) + j;
                expected[(b * count) + (((ch * h * r) + (y * r) + i) * w * r) + (x * r) + j] = deep[(b * count) + (((deepChannel * h) + y) * w) + x];
            }

            double[] shuffled = Call(layers, $"RunShuffle{n}", deep, isDouble);
            Assert.True(expected.SequenceEqual(shuffled), $"Shuffle{n} (r {r}, width {w}, {(blocksFirst ? "blocks first" : "channels first")}, {(isDouble ? "double" : "float")})");
            Assert.True(deep.SequenceEqual(Call(layers, $"RunUnshuffle{n}", shuffled, isDouble)), $"Unshuffle{n} does not invert Shuffle{n}");
        }
    }

    private static double[] Call(Type layers, string method, double[] input, bool isDouble)
    {
        if (isDouble)
        {
            var output = new double[input.Length];
            layers.GetMethod(method)!.Invoke(null, [2, input, output]);
            return output;
        }

        var floats = new float[input.Length];
        layers.GetMethod(method)!.Invoke(null, [2, input.Select(v => (float)v).ToArray(), floats]);
        return floats.Select(v => (double)v).ToArray();
    }
}
