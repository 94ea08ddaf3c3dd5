using System;
using System.Collections.Generic;
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
        /// <summary>
        /// Writes <c>{method}_{width}</c> in Winograd's form, falling back to <paramref name="directMethod"/>'s method of
        /// the same width, and its three stages as units: the phase copy by input channels, the tiles by chunks (each
        /// chunk's transforms and products, into the stage), the interleaving by output channels. A large layer runs each
        /// stage across the workers (<see cref="ParallelParts"/>); every output is computed by one unit in the one-thread
        /// order, so the results are the same for any number of workers.
        /// </summary>
        public static void WriteMethod(IndentedWriter writer, WinogradPlan plan, string directMethod)
        {
            ConvVectorLayout l = plan.Layout;
            ConvGeometry g = l.Geometry;
            WinogradTile tile = plan.Tile;
            string t = l.Element, method = $"{l.Method}_{l.Width.Name}";
            string parameters = $"global::System.ReadOnlySpan<{t}> input, global::System.ReadOnlySpan<{t}> weight, "
                + (l.HasBias ? $"global::System.ReadOnlySpan<{t}> bias, " : string.Empty) + $"global::System.Span<{t}> output{l.Epilogue.Parameter}";
            string arguments = "input, weight, " + (l.HasBias ? "bias, " : string.Empty) + "output" + l.Epilogue.Argument;
            bool split = ParallelParts.Applies(ConvOperator.Instance.MultiplyAdds(l.Signature, l.Spec), plan.Chunks);
            int tileUnits = plan.Chunks;
            string summary = $"One sample with {l.Width.Name} by Winograd's {tile.Name}: {plan.TileRows}x{plan.TileColumns} tiles numbered in rows of {plan.Columns}, "
                + $"{plan.Chunks} chunk(s) of {plan.ChunkVectors} vector(s) of {plan.Lanes} tiles, register tiles of {plan.ChannelBlock} output channels."
                + (split ? " Split across the workers." : string.Empty);
            var prepareSpans = new List<ParallelParts.Span> { new("input", false), new("tiles", true) };
            var tileSpans = new List<ParallelParts.Span> { new("tiles", false), new("transformed", false), new("stage", true) };
            var interleaveSpans = new List<ParallelParts.Span> { new("stage", false) };
            if (l.HasBias)
            {
                interleaveSpans.Add(new("bias", false));
            }

            interleaveSpans.Add(new("output", true));
            if (l.Epilogue.AddsResidual)
            {
                interleaveSpans.Add(new("residual", false));
            }

            void Run(string stage, int units, List<ParallelParts.Span> spans)
            {
                if (split)
                {
                    ParallelParts.WriteRun(writer, $"{method}_{stage}", units, t, spans);
                }
                else
                {
                    writer.WriteLine($"{method}_{stage}_Units(0, {units}, {string.Join(", ", spans.Select(span => span.Argument))});");
                }
            }

            using (l.Width.BeginMethod(writer, l.Method, parameters, summary))
            {
                writer.WriteLine($"global::System.ReadOnlySpan<{t}> transformed = {WinogradWeightsWriter.MethodName(l.Method, tile)}(weight);");
                writer.WriteLine($"// Pooled: the input in {tile.M}x{tile.M} phases [{g.InputChannels}][{tile.M * tile.M}][{plan.PhaseRows}][{plan.Columns}], then the staged outputs "
                    + $"[{g.OutputChannels}][{tile.M * tile.M}][{plan.StagePlane}] and a flag, set when a staged sum is not finite.");
                writer.WriteLine($"{t}[] rented = global::System.Buffers.ArrayPool<{t}>.Shared.Rent({plan.InputLength + plan.StageLength + 1});");
                writer.WriteLine("bool finite;");
                using (writer.Block("try"))
                {
                    writer.WriteLine($"global::System.Span<{t}> tiles = global::System.MemoryExtensions.AsSpan(rented, 0, {plan.InputLength});");
                    writer.WriteLine($"global::System.Span<{t}> stage = global::System.MemoryExtensions.AsSpan(rented, {plan.InputLength}, {plan.StageLength + 1});");
                    Run("Prepare", g.InputChannels, prepareSpans);
                    writer.WriteLine($"stage[{plan.StageLength}] = 0;");
                    Run("Tiles", tileUnits, tileSpans);
                    writer.WriteLine($"finite = stage[{plan.StageLength}] == 0;");
                    using (writer.Block("if (finite)"))
                    {
                        Run("Interleave", g.OutputChannels, interleaveSpans);
                    }
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

            WriteUnits(writer, method, "Prepare", t, prepareSpans, $"Input channels [first, end) zero-padded into their {tile.M}x{tile.M} phases.", split ? g.InputChannels : 0,
                () => WritePhaseCopy(writer, plan));
            WriteUnits(writer, method, "Tiles", t, tileSpans, $"Chunks of tiles [first, end) of {plan.Chunks}: their transforms and products, staged.",
                split ? tileUnits : 0, () => WriteTiles(writer, plan));
            WriteUnits(writer, method, "Interleave", t, interleaveSpans, $"Output channels [first, end) from the stage into the output.", split ? g.OutputChannels : 0,
                () => WriteInterleave(writer, plan));
        }

        /// <summary>One stage's units method, and (split) the part that maps a worker's share to them.</summary>
        private static void WriteUnits(IndentedWriter writer, string method, string stage, string element, List<ParallelParts.Span> spans, string summary, int splitUnits, Action body)
        {
            using (ParallelParts.BeginUnits(writer, $"{method}_{stage}", element, spans, summary))
            {
                body();
            }

            if (splitUnits > 0)
            {
                ParallelParts.WriteMembers(writer, $"{method}_{stage}", splitUnits, element, spans);
            }
        }

        /// <summary>
        /// Each input row of channels [first, end) into its phase planes (cleared first: the pads stay zero): padded row
        /// r = y + pad to row phase r mod m, row r / m; its columns into column phases. The unit with the last channel
        /// also clears the room after it that the last chunk's vectors read.
        /// </summary>
        private static void WritePhaseCopy(IndentedWriter writer, WinogradPlan plan)
        {
            ConvVectorLayout l = plan.Layout;
            ConvGeometry g = l.Geometry;
            int m = plan.Tile.M, padRows = l.Spec.Pad[0], padColumns = l.Spec.Pad[1];
            writer.WriteLine($"// The input zero-padded and split into phases: padded element (r, c) to plane (r % {m}, c % {m}), row r / {m}, column c / {m}.");
            writer.WriteLine($"tiles.Slice(first * {plan.ChannelPhases}, end == {g.InputChannels} ? tiles.Length - first * {plan.ChannelPhases} : (end - first) * {plan.ChannelPhases}).Clear();");
            writer.WriteLine(Code.StartRef(l.Element, "input"));
            writer.WriteLine(Code.StartRef(l.Element, "tiles"));
            using (writer.Block($"for (int c = first; c < end; c++)"))
            using (writer.Block($"for (int y = 0; y < {g.InputSize[0]}; y++)"))
            {
                writer.WriteLine($"int r = y + {padRows};");
                writer.WriteLine(Code.Derive(l.Element, "from", "inputStart", $"c * {g.InputPlane} + y * {g.InputSize[1]}"));
                writer.WriteLine(Code.Derive(l.Element, "to", "tilesStart", $"c * {plan.ChannelPhases} + r % {m} * {m * plan.PhasePlane} + r / {m} * {plan.Columns}"));
                ColumnPhases.WriteRow(writer, l.Width, l.ElementType, m, g.InputSize[1], padColumns, phase => phase * plan.PhasePlane);
            }
        }

        /// <summary>
        /// Chunks [first, end): each chunk's input transform into a scratch buffer of this unit's (pooled), then per block
        /// of output channels the products and their output transform into the stage. A staged sum that is not finite
        /// sets the flag after the stage.
        /// </summary>
        private static void WriteTiles(IndentedWriter writer, WinogradPlan plan)
        {
            ConvVectorLayout l = plan.Layout;
            ConvGeometry g = l.Geometry;
            WinogradTile tile = plan.Tile;
            string t = l.Element;
            writer.WriteLine($"// Pooled, per unit: a chunk's transformed input [{g.InputChannels}][{tile.Products}][{plan.ChunkTiles}] and a block's products [{plan.ChannelBlock}][{tile.Products}][{plan.ChunkTiles}].");
            writer.WriteLine($"{t}[] scratch = global::System.Buffers.ArrayPool<{t}>.Shared.Rent({plan.ChunkInputLength + plan.ProductsLength});");
            using (writer.Block("try"))
            {
                writer.WriteLine($"global::System.Span<{t}> chunk = global::System.MemoryExtensions.AsSpan(scratch, 0, {plan.ChunkInputLength});");
                writer.WriteLine($"global::System.Span<{t}> products = global::System.MemoryExtensions.AsSpan(scratch, {plan.ChunkInputLength}, {plan.ProductsLength});");
                writer.WriteLine(Code.StartRef(t, "tiles"));
                writer.WriteLine(Code.StartRef(t, "transformed"));
                writer.WriteLine(Code.StartRef(t, "stage"));
                writer.WriteLine(Code.StartRef(t, "chunk"));
                writer.WriteLine(Code.StartRef(t, "products"));
                writer.WriteLine($"var probe = {l.Width.Type}<{t}>.Zero;");
                using (writer.Block($"for (int p0 = first * {plan.ChunkTiles}; p0 < end * {plan.ChunkTiles}; p0 += {plan.ChunkTiles})"))
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

                using (writer.Block($"if (!{l.Width.Type}.EqualsAll(probe, {l.Width.Type}<{t}>.Zero))"))
                {
                    writer.WriteLine($"// Every unit that sees one writes the same value: which one writes last does not matter.");
                    writer.WriteLine($"stage[{plan.StageLength}] = 1;");
                }
            }

            using (writer.Block("finally"))
            {
                writer.WriteLine($"global::System.Buffers.ArrayPool<{t}>.Shared.Return(scratch);");
            }
        }

        /// <summary>
        /// The chunk's input transform, V = BT d B per input channel and vector of tiles (<see cref="WriteTwoSidedTransform"/>).
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
                    WriteTwoSidedTransform(writer, tile.BT, taps, l.ElementType, (a, b) => l.Width.Load("d", $"{Literals.Int(plan.InputOffset(a, b))} + q"),
                        (u, w, value) => writer.WriteLine(l.Width.Store(value, "v", $"{Literals.Int(((u * taps) + w) * plan.ChunkTiles)} + q")));
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
                writer.WriteLine(Code.Derive(l.Element, "ux", "transformedStart", $"xi * {cin * cout} + co"));
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
                    WriteTwoSidedTransform(writer, tile.AT, taps, l.ElementType, (u, w) => v.Load("mr", $"{Literals.Int(((u * taps) + w) * plan.ChunkTiles)} + q"),
                        (i, j, value) =>
                        {
                            writer.WriteLine($"var y{i} = {value};");
                            writer.WriteLine(v.Store($"y{i}", "st", $"{Literals.Int(((i * m) + j) * plan.StagePlane)} + q"));
                        },
                        column => writer.WriteLine($"probe += {string.Join(" + ", Enumerable.Range(0, m).Select(i => $"(y{i} - y{i})"))};"));
                }
            }
        }

        /// <summary>
        /// <c>Z = M X MT</c> for a T x T block X of vectors, one column of Z at a time: <c>t[r]</c> = row c of M times row
        /// r of X, then <c>Z[o][c]</c> = row o of M times t. A few registers stay live; X is reloaded for each column
        /// (loads are cheap, spills are not).
        /// </summary>
        /// <param name="load">Element (row, column) of X as an expression.</param>
        /// <param name="store">Writes element (row, column) of Z, given its expression.</param>
        /// <param name="afterColumn">Writes what follows a column's stores, or null.</param>
        private static void WriteTwoSidedTransform(IndentedWriter writer, double[,] matrix, int inputs, ElementType type, Func<int, int, string> load,
            Action<int, int, string> store, Action<int>? afterColumn = null)
        {
            int outputs = matrix.GetLength(0);
            for (int c = 0; c < outputs; c++)
            {
                int column = c;
                using (writer.Block())
                {
                    for (int r = 0; r < inputs; r++)
                    {
                        int row = r;
                        writer.WriteLine($"var t{r} = {WinogradTile.Combination(matrix, column, k => load(row, k), type)};");
                    }

                    for (int o = 0; o < outputs; o++)
                    {
                        store(o, column, WinogradTile.Combination(matrix, o, r => $"t{r}", type));
                    }

                    afterColumn?.Invoke(column);
                }
            }
        }

        /// <summary>
        /// The staged phases into the output's rows: output (y, x) is stage[co][(y % m)*m + x % m][(y / m)*Columns + x / m],
        /// so a vector of consecutive columns takes every m-th element of m loaded vectors (a constant shuffle each and
        /// a select by lane); the bias, residual and activation on the way. Rows that are not whole vectors end with one
        /// that overlaps the one before.
        /// </summary>
        private static void WriteInterleave(IndentedWriter writer, WinogradPlan plan)
        {
            ConvVectorLayout l = plan.Layout;
            ConvGeometry g = l.Geometry;
            VectorWidth v = plan.InterleaveWidth;
            // The layout's rule for the residual, at this pass's width.
            var epilogue = new Epilogue(l.Signature, l.Spec.Activation, v, residualInRegisters: l.Epilogue.AddsResidual);
            int m = plan.Tile.M, lanes = v.Lanes(l.ElementType), rows = g.OutputSize[0], columns = g.OutputSize[1];
            writer.WriteLine($"// The staged phases interleaved into the output rows{(l.HasBias ? ", with the bias" : string.Empty)}{(epilogue.IsEmpty ? string.Empty : $"; {epilogue.Description.ToLowerInvariant()} on the way")}"
                + (v == l.Width ? "." : $", with {v.Name} (rows of {columns} columns)."));
            writer.WriteLine(Code.StartRef(l.Element, "stage"));
            writer.WriteLine(Code.StartRef(l.Element, "output"));
            epilogue.WriteStart(writer);
            using (writer.Block($"for (int co = first; co < end; co++)"))
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
                    if (epilogue.AddsResidual)
                    {
                        writer.WriteLine(Code.Derive(l.Element, "residualRow", "residualStart", $"co * {g.OutputPlane} + y * {columns}"));
                    }

                    using (writer.Block($"for (int x = 0; x <= {columns - lanes}; x += {lanes})"))
                    {
                        WriteInterleavedVector(writer, plan, epilogue, "x", 0);
                    }

                    if (columns % lanes != 0)
                    {
                        using (writer.Block())
                        {
                            int last = columns - lanes;
                            writer.WriteLine($"// The row's last {lanes} columns, from column {last} (overlapping the vector before).");
                            writer.WriteLine($"const int x = {last};");
                            WriteInterleavedVector(writer, plan, epilogue, "x", last % m);
                        }
                    }
                }
            }

        }

        /// <summary>One output vector from column <paramref name="x"/>, which is <paramref name="residue"/> past a multiple of m.</summary>
        private static void WriteInterleavedVector(IndentedWriter writer, WinogradPlan plan, Epilogue epilogue, string x, int residue)
        {
            ConvVectorLayout l = plan.Layout;
            VectorWidth v = epilogue.Width;
            int m = plan.Tile.M, lanes = v.Lanes(l.ElementType);
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
            string biased = l.HasBias ? "sum + biasVector" : "sum";
            writer.WriteLine(v.Store(epilogue.Finish(biased, "residualRow", x), "row", x));
        }
    }
}
