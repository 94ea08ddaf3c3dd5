using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Conv.Winograd
{
    /// <summary>
    /// The transformed weight <c>U = G g GT</c> of every (output, input) channel pair, kept per kernel and tile size:
    /// computed on the first call and again whenever the weight changes. Each call compares the weight with the one
    /// transformed, byte for byte (one vectorized pass over the weight, which direct convolution reads anyway), so a
    /// weight changed in place, loaded again or folded with a batch norm is seen. The pair (weight copy, transformed) is
    /// published as one immutable object: concurrent calls see one or the other, never half of each. A new weight
    /// allocates both arrays once; calls with the same weight allocate nothing.
    /// </summary>
    internal static class WinogradWeightsWriter
    {
        public static string MethodName(string method, WinogradTile tile) => $"{method}_Winograd{tile.M}Weights";

        private static string FieldName(string method, WinogradTile tile) => $"s_{method}_winograd{tile.M}";

        /// <summary>
        /// Writes the cache and the transform: U[xi][ci][co] for xi = u*T + w, the products' broadcast operand laid out so
        /// that a block of output channels of one input channel is one cache line. Computed in double, rounded once.
        /// </summary>
        public static void Write(IndentedWriter writer, WinogradPlan plan)
        {
            ConvGeometry g = plan.Layout.Geometry;
            WinogradTile tile = plan.Tile;
            string t = plan.Layout.Element, method = MethodName(plan.Layout.Method, tile), field = FieldName(plan.Layout.Method, tile);
            string pair = $"global::System.Tuple<{t}[], {t}[]>";
            int cin = g.InputChannels, cout = g.OutputChannels, taps = tile.T;
            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            writer.WriteLine($"/// <summary>The last weight {tile.Name} transformed (a copy of it, and U = G g GT as [{tile.Products}][{cin}][{cout}]); null before the first call.</summary>");
            writer.WriteLine($"private static {pair} {field};");
            writer.WriteLine();
            writer.WriteLine($"/// <summary>The weight transformed for {tile.Name}: the cached one when the weight is the one it was computed from, byte for byte.</summary>");
            using (writer.Block($"private static {t}[] {method}(global::System.ReadOnlySpan<{t}> weight)", after: "#endif"))
            {
                writer.WriteLine($"{pair} cached = global::System.Threading.Volatile.Read(ref {field});");
                using (writer.Block($"if (cached is not null && global::System.MemoryExtensions.SequenceEqual({Code.MemoryMarshal}.AsBytes(weight), {Code.MemoryMarshal}.AsBytes(global::System.MemoryExtensions.AsSpan(cached.Item1))))"))
                {
                    writer.WriteLine("return cached.Item2;");
                }

                writer.WriteLine();
                writer.WriteLine($"// A new weight: U[xi][ci][co] for xi = u*{taps} + w, U = G g GT per channel pair, in double and rounded once.");
                writer.WriteLine($"{t}[] transformed = new {t}[{plan.WeightLength}];");
                writer.WriteLine("global::System.Span<double> half = stackalloc double[" + Literals.Int(taps * 3) + "];");
                using (writer.Block($"for (int co = 0; co < {cout}; co++)"))
                using (writer.Block($"for (int ci = 0; ci < {cin}; ci++)"))
                {
                    writer.WriteLine($"int at = (co * {cin} + ci) * 9;");
                    writer.WriteLine("// half = G g: a row of G times each column of the 3x3 window.");
                    for (int u = 0; u < taps; u++)
                    {
                        for (int k = 0; k < 3; k++)
                        {
                            string terms = WinogradTile.Combination(tile.G, u, column => $"(double)weight[at + {column * 3 + k}]", ElementType.Double);
                            writer.WriteLine($"half[{u * 3 + k}] = {terms};");
                        }
                    }

                    writer.WriteLine("// U = half GT: each row of half times each row of G.");
                    for (int u = 0; u < taps; u++)
                    {
                        for (int w = 0; w < taps; w++)
                        {
                            string terms = WinogradTile.Combination(tile.G, w, k => $"half[{u * 3 + k}]", ElementType.Double);
                            writer.WriteLine($"transformed[{Literals.Int((u * taps + w) * cin * cout)} + ci * {cout} + co] = ({t})({terms});");
                        }
                    }
                }

                writer.WriteLine();
                writer.WriteLine($"global::System.Threading.Volatile.Write(ref {field}, new {pair}(weight.ToArray(), transformed));");
                writer.WriteLine("return transformed;");
            }
        }
    }
}
