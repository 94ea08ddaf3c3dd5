using System;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Conv.Winograd
{
    /// <summary>
    /// The Winograd form of a convolution at one width (<see cref="WinogradPlan"/> says where it reads and writes): the
    /// input copied into phases, per chunk of tiles the input transform <c>V = BT d B</c>, the products
    /// <c>M[xi] = U[xi] V[xi]</c> summed over the input channels in register tiles, the output transform
    /// <c>Y = AT M A</c> into a staging buffer, and a last pass that interleaves the staged phases into the output with
    /// the bias, residual and activation. A sum that is not finite (an infinite or NaN input, or an overflow) sends the
    /// sample to the direct form: the transforms mix a tile's inputs, so a non-finite input would spread to outputs that
    /// direct convolution keeps finite.
    /// </summary>
    internal static class WinogradEmitter
    {
        /// <summary>Writes <c>{method}_{width}</c> in Winograd's form, falling back to <paramref name="directMethod"/>'s method of the same width.</summary>
        public static void WriteMethod(IndentedWriter writer, WinogradPlan plan, string directMethod)
        {
            ConvVectorLayout l = plan.Layout;
            ConvGeometry g = l.Geometry;
            WinogradTile tile = plan.Tile;
            string t = l.Element;
            string parameters = $"global::System.ReadOnlySpan<{t}> input, global::System.ReadOnlySpan<{t}> weight, "
                + (l.HasBias ? $"global::System.ReadOnlySpan<{t}> bias, " : string.Empty) + $"global::System.Span<{t}> output{l.Epilogue.Parameter}";
            string arguments = "input, weight, " + (l.HasBias ? "bias, " : string.Empty) + "output" + l.Epilogue.Argument;
            string summary = $"One sample with {l.Width.Name} by Winograd's {tile.Name}: {plan.TileRows}x{plan.TileColumns} tiles numbered in rows of {plan.Columns}, "
                + $"{plan.Chunks} chunk(s) of {plan.ChunkVectors} vector(s) of {plan.Lanes} tiles, register tiles of {plan.ChannelBlock} output channels.";
            using (l.Width.BeginMethod(writer, l.Method, parameters, summary))
            {
                writer.WriteLine($"{t}[] transformed = {WinogradWeightsWriter.MethodName(l.Method, tile)}(weight);");
                writer.WriteLine($"// Pooled: the input in {tile.M}x{tile.M} phases [{g.InputChannels}][{tile.M * tile.M}][{plan.PhaseRows}][{plan.Columns}], a chunk's transformed input "
                    + $"[{g.InputChannels}][{tile.Products}][{plan.ChunkTiles}], a block's products [{plan.ChannelBlock}][{tile.Products}][{plan.ChunkTiles}], "
                    + $"the staged outputs [{g.OutputChannels}][{tile.M * tile.M}][{plan.StagePlane}].");
                writer.WriteLine($"{t}[] rented = global::System.Buffers.ArrayPool<{t}>.Shared.Rent({plan.BufferLength});");
                writer.WriteLine("bool finite;");
                using (writer.Block("try"))
                {
                    writer.WriteLine($"global::System.Span<{t}> tiles = global::System.MemoryExtensions.AsSpan(rented, 0, {plan.InputLength});");
                    writer.WriteLine($"global::System.Span<{t}> chunk = global::System.MemoryExtensions.AsSpan(rented, {plan.InputLength}, {plan.ChunkInputLength});");
                    writer.WriteLine($"global::System.Span<{t}> products = global::System.MemoryExtensions.AsSpan(rented, {plan.InputLength + plan.ChunkInputLength}, {plan.ProductsLength});");
                    writer.WriteLine($"global::System.Span<{t}> stage = global::System.MemoryExtensions.AsSpan(rented, {plan.InputLength + plan.ChunkInputLength + plan.ProductsLength}, {plan.StageLength});");
                    writer.WriteLine(Code.StartRef(t, "input"));
                    writer.WriteLine(Code.StartRef(t, "tiles"));
                    writer.WriteLine(Code.StartRef(t, "chunk"));
                    writer.WriteLine(Code.StartRef(t, "products"));
                    writer.WriteLine(Code.StartRef(t, "stage"));
                    writer.WriteLine($"global::System.Span<{t}> transformedSpan = transformed;");
                    writer.WriteLine(Code.StartRef(t, "transformedSpan"));
                    writer.WriteLine(Code.StartRef(t, "output"));
                    l.Epilogue.WriteStart(writer);
                    writer.WriteLine();
                    WritePhaseCopy(writer, plan);
                    writer.WriteLine();
                    using (writer.Block($"for (int p0 = 0; p0 < {plan.Chunks * plan.ChunkTiles}; p0 += {plan.ChunkTiles})"))
                    {
                        WriteInputTransform(writer, plan);
                        writer.WriteLine();
                        int full = g.OutputChannels / plan.ChannelBlock, rest = g.OutputChannels % plan.ChannelBlock;
                        writer.WriteLine($"// Output channels in blocks of {plan.ChannelBlock}{(rest == 0 ? string.Empty : $", then the last {rest}")}: the products over every input channel, then their output transform.");
                        using (writer.Block($"for (int co = 0; co < {full * plan.ChannelBlock}; co += {plan.ChannelBlock})"))
                        {
                            WriteBlock(writer, plan, plan.ChannelBlock);
                        }

                        if (rest > 0)
                        {
                            using (writer.Block())
                            {
                                writer.WriteLine($"const int co = {full * plan.ChannelBlock};");
                                WriteBlock(writer, plan, rest);
                            }
                        }
                    }

                    writer.WriteLine();
                    WriteInterleave(writer, plan);
                }

                using (writer.Block("finally"))
                {
                    writer.WriteLine($"global::System.Buffers.ArrayPool<{t}>.Shared.Return(rented);");
                }

                writer.WriteLine();
                using (writer.Block("if (!finite)"))
                {
                    writer.WriteLine("// A sum that is not finite: the direct form computes the sample again, spreading nothing across a tile.");
                    writer.WriteLine($"{directMethod}_{l.Width.Name}({arguments});");
                }
            }
        }

        /// <summary>Each input row into its phase planes: padded row r = y + pad to row phase r mod m, row r / m; its columns into column phases.</summary>
        private static void WritePhaseCopy(IndentedWriter writer, WinogradPlan plan)
        {
            ConvVectorLayout l = plan.Layout;
            ConvGeometry g = l.Geometry;
            int m = plan.Tile.M, padRows = l.Spec.Pad[0], padColumns = l.Spec.Pad[1];
            writer.WriteLine($"// The input zero-padded and split into phases: padded element (r, c) to plane (r % {m}, c % {m}), row r / {m}, column c / {m}.");
            writer.WriteLine("tiles.Clear();");
            using (writer.Block($"for (int c = 0; c < {g.InputChannels}; c++)"))
            using (writer.Block($"for (int y = 0; y < {g.InputSize[0]}; y++)"))
            {
                writer.WriteLine($"int r = y + {padRows};");
                writer.WriteLine(Code.Derive(l.Element, "from", "inputStart", $"c * {g.InputPlane} + y * {g.InputSize[1]}"));
                writer.WriteLine(Code.Derive(l.Element, "to", "tilesStart", $"c * {plan.ChannelPhases} + r % {m} * {m * plan.PhasePlane} + r / {m} * {plan.Columns}"));
                ColumnPhases.WriteRow(writer, l.Width, l.ElementType, m, g.InputSize[1], padColumns, phase => phase * plan.PhasePlane);
            }
        }

        /// <summary>
        /// The chunk's input transform, V = BT d B per input channel and vector of tiles, one column of the result at a time
        /// (s[a] = row a of d times column w of B, then V[u][w] = row u of BT times s): a few registers live, d reloaded.
        /// </summary>
        private static void WriteInputTransform(IndentedWriter writer, WinogradPlan plan)
        {
            ConvVectorLayout l = plan.Layout;
            ConvGeometry g = l.Geometry;
            WinogradTile tile = plan.Tile;
            int taps = tile.T;
            writer.WriteLine($"// Input transform of tiles [p0, p0 + {plan.ChunkTiles}): V[ci][u*{taps} + w][p] = (BT d B)[u][w] of tile p's {taps}x{taps} inputs d.");
            using (writer.Block($"for (int ci = 0; ci < {g.InputChannels}; ci++)"))
            {
                writer.WriteLine(Code.Derive(l.Element, "d", "tilesStart", $"ci * {plan.ChannelPhases} + p0"));
                writer.WriteLine(Code.Derive(l.Element, "v", "chunkStart", $"ci * {tile.Products * plan.ChunkTiles}"));
                using (writer.Block($"for (int q = 0; q < {plan.ChunkTiles}; q += {plan.Lanes})"))
                {
                    for (int w = 0; w < taps; w++)
                    {
                        int column = w;
                        using (writer.Block())
                        {
                            for (int a = 0; a < taps; a++)
                            {
                                int row = a;
                                writer.WriteLine($"var s{a} = {VectorCombination(tile.BT, column, b => l.Width.Load("d", $"{Literals.Int(plan.InputOffset(row, b))} + q"), l.ElementType)};");
                            }

                            for (int u = 0; u < taps; u++)
                            {
                                int offset = ((u * taps) + w) * plan.ChunkTiles;
                                writer.WriteLine(l.Width.Store(VectorCombination(tile.BT, u, a => $"s{a}", l.ElementType), "v", $"{Literals.Int(offset)} + q"));
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// One block of <paramref name="channels"/> output channels from <c>co</c>: per transformed position xi, the
        /// products summed over the input channels in a register tile of channels x the chunk's vectors (each loaded
        /// vector of V feeds every channel, each broadcast element of U every vector), stored; then their output transform.
        /// </summary>
        private static void WriteBlock(IndentedWriter writer, WinogradPlan plan, int channels)
        {
            ConvVectorLayout l = plan.Layout;
            ConvGeometry g = l.Geometry;
            WinogradTile tile = plan.Tile;
            VectorWidth v = l.Width;
            int vectors = plan.ChunkVectors, lanes = plan.Lanes, cin = g.InputChannels, cout = g.OutputChannels;
            using (writer.Block($"for (int xi = 0; xi < {tile.Products}; xi++)"))
            {
                writer.WriteLine(Code.Derive(l.Element, "vx", "chunkStart", $"xi * {plan.ChunkTiles}"));
                writer.WriteLine(Code.Derive(l.Element, "ux", "transformedSpanStart", $"xi * {cin * cout} + co"));
                for (int r = 0; r < channels; r++)
                {
                    writer.WriteLine(string.Join(" ", Enumerable.Range(0, vectors).Select(k => $"var acc{r}_{k} = {v.Type}<{l.Element}>.Zero;")));
                }

                using (writer.Block($"for (int ci = 0; ci < {cin}; ci++)"))
                {
                    for (int k = 0; k < vectors; k++)
                    {
                        writer.WriteLine($"var x{k} = {v.Load("vx", $"ci * {tile.Products * plan.ChunkTiles}" + (k == 0 ? string.Empty : $" + {k * lanes}"))};");
                    }

                    for (int r = 0; r < channels; r++)
                    {
                        writer.WriteLine($"var w{r} = {v.Broadcast(Code.At("ux", $"ci * {cout}" + (r == 0 ? string.Empty : $" + {r}")))};");
                        for (int k = 0; k < vectors; k++)
                        {
                            writer.WriteLine($"acc{r}_{k} = {v.Fma($"x{k}", $"w{r}", $"acc{r}_{k}")};");
                        }
                    }
                }

                writer.WriteLine(Code.Derive(l.Element, "mx", "productsStart", $"xi * {plan.ChunkTiles}"));
                for (int r = 0; r < channels; r++)
                {
                    for (int k = 0; k < vectors; k++)
                    {
                        writer.WriteLine(v.Store($"acc{r}_{k}", "mx", Literals.Int((r * tile.Products * plan.ChunkTiles) + (k * lanes))));
                    }
                }
            }

            int m = tile.M, taps = tile.T;
            writer.WriteLine($"// Output transform: Y = AT M A per channel and tile, staged in phases: Y[i][j] of tile p at stage[co][i*{m} + j][p].");
            using (writer.Block($"for (int r = 0; r < {channels}; r++)"))
            {
                writer.WriteLine(Code.Derive(l.Element, "mr", "productsStart", $"r * {tile.Products * plan.ChunkTiles}"));
                writer.WriteLine(Code.Derive(l.Element, "st", "stageStart", $"(co + r) * {m * m * plan.StagePlane} + p0"));
                using (writer.Block($"for (int q = 0; q < {plan.ChunkTiles}; q += {lanes})"))
                {
                    for (int j = 0; j < m; j++)
                    {
                        int column = j;
                        using (writer.Block())
                        {
                            for (int u = 0; u < taps; u++)
                            {
                                int row = u;
                                writer.WriteLine($"var z{u} = {VectorCombination(tile.AT, column, w => v.Load("mr", $"{Literals.Int(((row * taps) + w) * plan.ChunkTiles)} + q"), l.ElementType)};");
                            }

                            for (int i = 0; i < m; i++)
                            {
                                writer.WriteLine(v.Store(VectorCombination(tile.AT, i, u => $"z{u}", l.ElementType), "st", $"{Literals.Int(((i * m) + j) * plan.StagePlane)} + q"));
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The staged phases into the output's rows: output (y, x) is stage[co][(y % m)*m + x % m][(y / m)*Columns + x / m],
        /// so a vector of consecutive columns takes every m-th element of m loaded vectors (a constant shuffle each and
        /// a select by lane); the bias, residual and activation on the way. Rows that are not whole vectors end with one
        /// that overlaps the one before. Every sum (before bias) adds <c>sum - sum</c> to a probe, zero only if all are finite.
        /// </summary>
        private static void WriteInterleave(IndentedWriter writer, WinogradPlan plan)
        {
            ConvVectorLayout l = plan.Layout;
            ConvGeometry g = l.Geometry;
            VectorWidth v = l.Width;
            int m = plan.Tile.M, lanes = plan.Lanes, rows = g.OutputSize[0], columns = g.OutputSize[1];
            writer.WriteLine($"// The staged phases interleaved into the output rows{(l.HasBias ? ", with the bias" : string.Empty)}{(l.Epilogue.IsEmpty ? string.Empty : $"; {l.Epilogue.Description.ToLowerInvariant()} on the way")}.");
            writer.WriteLine($"var probe = {v.Type}<{l.Element}>.Zero;");
            using (writer.Block($"for (int co = 0; co < {g.OutputChannels}; co++)"))
            {
                if (l.HasBias)
                {
                    writer.WriteLine($"var biasVector = {v.Broadcast("bias[co]")};");
                }

                using (writer.Block($"for (int y = 0; y < {rows}; y++)"))
                {
                    writer.WriteLine($"int ty = y / {m}, i = y - ty * {m};");
                    writer.WriteLine(Code.Derive(l.Element, "staged", "stageStart", $"(co * {m * m} + i * {m}) * {plan.StagePlane} + ty * {plan.Columns}"));
                    writer.WriteLine(Code.Derive(l.Element, "row", "outputStart", $"co * {g.OutputPlane} + y * {columns}"));
                    if (l.Epilogue.AddsResidual)
                    {
                        writer.WriteLine(Code.Derive(l.Element, "residualRow", "residualStart", $"co * {g.OutputPlane} + y * {columns}"));
                    }

                    using (writer.Block($"for (int x = 0; x <= {columns - lanes}; x += {lanes})"))
                    {
                        WriteInterleavedVector(writer, plan, "x", 0);
                    }

                    if (columns % lanes != 0)
                    {
                        using (writer.Block())
                        {
                            int last = columns - lanes;
                            writer.WriteLine($"// The row's last {lanes} columns, from column {last} (overlapping the vector before).");
                            writer.WriteLine($"const int x = {last};");
                            WriteInterleavedVector(writer, plan, "x", last % m);
                        }
                    }
                }
            }

            writer.WriteLine($"finite = {v.Type}.EqualsAll(probe, {v.Type}<{l.Element}>.Zero);");
        }

        /// <summary>One output vector from column <paramref name="x"/>, which is <paramref name="residue"/> past a multiple of m.</summary>
        private static void WriteInterleavedVector(IndentedWriter writer, WinogradPlan plan, string x, int residue)
        {
            ConvVectorLayout l = plan.Layout;
            VectorWidth v = l.Width;
            int m = plan.Tile.M, lanes = plan.Lanes;
            // Lane n is column x + n: phase (residue + n) % m, element (residue + n) / m of the vector loaded at x / m.
            string sum = string.Empty;
            for (int j = 0; j < m; j++)
            {
                int phase = j;
                bool[] mine = Enumerable.Range(0, lanes).Select(n => (residue + n) % m == phase).ToArray();
                if (!mine.Any(b => b))
                {
                    continue;
                }

                string loaded = v.Load("staged", $"{Literals.Int(j * plan.StagePlane)} + {x} / {m}");
                string shuffled = v.ConstantShuffle(loaded, Enumerable.Range(0, lanes).Select(n => mine[n] ? (residue + n) / m : 0), l.ElementType);
                sum = sum.Length == 0 ? shuffled : $"{v.Type}.ConditionalSelect({v.LaneMask(mine, l.ElementType)}, {shuffled}, {sum})";
            }

            writer.WriteLine($"var sum = {sum};");
            writer.WriteLine("probe += sum - sum;");
            string biased = l.HasBias ? "sum + biasVector" : "sum";
            writer.WriteLine(v.Store(l.Epilogue.Finish(biased, "residualRow", x), "row", x));
        }

        /// <summary>
        /// <c>row · x</c> for a row of a transform over vectors: positive terms first, a coefficient of 1 unwritten, others
        /// as a multiply by the element type's constant (exact: the transforms' coefficients are small integers).
        /// </summary>
        private static string VectorCombination(double[,] matrix, int row, Func<int, string> value, ElementType type)
        {
            var terms = WinogradTile.Row(matrix, row).OrderBy(term => term.Value < 0).ToArray();
            var text = new System.Text.StringBuilder();
            foreach ((int column, double coefficient) in terms)
            {
                string magnitude = Math.Abs(coefficient) == 1 ? value(column) : $"{value(column)} * {Literals.Real(Math.Abs(coefficient), type)}";
                text.Append(text.Length == 0 ? (coefficient < 0 ? $"-({magnitude})" : magnitude) : (coefficient < 0 ? " - " : " + ") + magnitude);
            }

            return text.ToString();
        }
    }
}
