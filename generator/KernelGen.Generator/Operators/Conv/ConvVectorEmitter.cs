using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Operators.Conv.Winograd;

namespace KernelGen.Generator.Operators.Conv
{
    /// <summary>
    /// The vector form of a convolution of any rank, stride and dilation: a tile of output channels x output rows x
    /// vectors of output columns is held in registers over the whole reduction (input channels times taps), each loaded
    /// input vector feeding every channel of the tile and each broadcast weight every vector. The reads come from a
    /// zero-padded copy of the input whose rows are split into column phases (<see cref="ConvVectorLayout"/>), so every
    /// load is a plain vector load, in bounds, with no border test.
    /// </summary>
    internal static class ConvVectorEmitter
    {
        /// <summary>Accumulators of a tile of several channels with 32 registers (AVX-512); a narrower width holds <see cref="VectorWidth.TileAccumulators"/>.</summary>
        internal const int WideAccumulators = 24;

        /// <summary>With 16 registers at most this many accumulators: the rest hold the loaded vectors and a broadcast.</summary>
        private const int MaxAccumulators = 12;

        /// <summary>Whole column tiles of a row written out one after another; a longer row loops over them.</summary>
        private const int MaxUnrolledColumnTiles = 4;

        /// <summary>Taps of the last axis written out one by one; a wider window loops over them. The other axes' taps always loop.</summary>
        private const int MaxUnrolledTaps = 16;

        /// <summary>The widths in the order the dispatch tries them: fewest vector multiply-adds first, then the narrower.</summary>
        public static VectorWidth[] Widths(KernelSignature signature, ConvSpec spec) =>
            !IntSizedLayouts.Fit(signature, spec.Kernel, spec.Stride, spec.Pad, spec.Dilation, int.MaxValue / 2) ? new VectorWidth[0]
            : VectorWidth.All.Select(width => new ConvVectorLayout(signature, spec, width)).Where(layout => layout.Fits)
                .OrderBy(layout => layout.VectorProducts).ThenBy(layout => layout.Width.Bytes).Select(layout => layout.Width).ToArray();

        /// <summary>The direct form's methods when Winograd's form takes a width: <c>{method}Direct_{width}</c>.</summary>
        private static string DirectMethodOf(string method) => method + "Direct";

        public static void WriteMethods(IndentedWriter writer, KernelSignature signature, ConvSpec spec)
        {
            var forms = Widths(signature, spec).OrderBy(w => Array.IndexOf(VectorWidth.All, w))
                .Select(width => new ConvVectorLayout(signature, spec, width)).Select(layout => (Layout: layout, Winograd: WinogradPlan.For(layout))).ToArray();

            // One transformed-weight cache per tile size the widths take.
            foreach (WinogradPlan plan in forms.Select(form => form.Winograd).OfType<WinogradPlan>().GroupBy(plan => plan.Tile).Select(group => group.First()))
            {
                WinogradWeightsWriter.Write(writer, plan);
            }

            foreach ((ConvVectorLayout widthLayout, WinogradPlan? winograd) in forms)
            {
                ConvVectorLayout layout = widthLayout;
                VectorWidth width = layout.Width;
                FiniteWeights.WriteCheck(writer, signature, width, layout.Geometry.ChecksOutput);
                if (winograd is not null)
                {
                    // Winograd's form takes the width's name; the direct form stays, under another, for sums that are not finite.
                    string direct = DirectMethodOf(signature.MethodName);
                    WinogradEmitter.WriteMethod(writer, winograd, direct);
                    layout = new ConvVectorLayout(signature, spec, width, direct);
                }

                Tile tile = ChooseTile(layout);
                string parameters = $"global::System.ReadOnlySpan<{layout.Element}> input, global::System.ReadOnlySpan<{layout.Element}> weight, "
                    + (layout.HasBias ? $"global::System.ReadOnlySpan<{layout.Element}> bias, " : string.Empty) + $"global::System.Span<{layout.Element}> output{layout.Epilogue.Parameter}";
                string summary = layout.Flat
                    ? $"One sample with {width.Name}: each plane one flat run of {layout.RunLength} outputs, in tiles of {tile.Channels} channels x {tile.Vectors} vectors of {layout.Lanes} "
                        + $"lanes, over {layout.CopyCount} shifted copies of the zero-padded input (one per row phase and last-axis tap) in rows of {layout.OutputColumns}."
                    : $"One sample with {width.Name}: tiles of {tile.Channels} channels x {tile.Rows} rows x {tile.Vectors} vectors of {layout.Lanes} "
                        + $"columns over the zero-padded input, its rows in {layout.ColumnStride} column phase(s) of {layout.PhaseLength}.";
                Units? units = Units.For(layout, tile);
                using (width.BeginMethod(writer, layout.Method, parameters, units is null ? summary : summary + " Split across the workers."))
                {
                    WriteBody(writer, layout, tile, units);
                }

                if (units is not null)
                {
                    WriteUnits(writer, layout, tile, units);
                }
            }
        }

        /// <summary>
        /// The split of a large layer across the workers (<see cref="ParallelParts"/>): a unit is one group's tile of output
        /// channels over a block of its tiles of rows (every row in the flat form and in 1-D), so that layers with many
        /// channels split by channels and those with few by rows.
        /// </summary>
        private sealed record Units(int ChannelTiles, int FullChannelTiles, int RowTiles, int RowBlocks, int Count)
        {
            public static Units? For(ConvVectorLayout l, Tile tile)
            {
                ConvGeometry g = l.Geometry;
                int full = g.OutputChannelsPerGroup / tile.Channels, channelTiles = full + (g.OutputChannelsPerGroup % tile.Channels > 0 ? 1 : 0);
                int rowTiles = l.Flat || l.Rank < 2 ? 0 : l.Rows / tile.Rows;
                int perBlock = g.Groups * channelTiles;
                int rowBlocks = Math.Max(1, Math.Min(rowTiles, (ParallelParts.TargetUnits + perBlock - 1) / perBlock));
                long work = (long)g.OutputChannels * g.OutputPlane * g.InputChannelsPerGroup * g.KernelTaps;
                int count = perBlock * rowBlocks;
                return ParallelParts.Applies(work, count) ? new Units(channelTiles, full, rowTiles, rowBlocks, count) : null;
            }
        }

        private static List<ParallelParts.Span> UnitSpans(ConvVectorLayout l, string prepared) => ParallelParts.Weighted(prepared, l.HasBias, l.Epilogue.AddsResidual);

        private static readonly List<ParallelParts.Span> PrepareSpans = new() { new("input", false), new("prepared", true) };

        /// <summary>
        /// The copies of the parallel form, a unit per input channel: its plane of the padded buffer cleared and filled, and
        /// in the flat form its rows of every shifted copy (each channel's copies read only its own padded plane).
        /// </summary>
        private static void WritePrepareUnits(IndentedWriter writer, ConvVectorLayout l)
        {
            string method = $"{l.Method}_{l.Width.Name}_Prepare";
            using (VectorWidth.BeginNamedMethod(writer, method + "_Units", $"int first, int end, global::System.ReadOnlySpan<{l.Element}> input, global::System.Span<{l.Element}> padded",
                $"Input channels [first, end) into the zero-padded buffer{(l.Flat ? " and its shifted copies" : string.Empty)}."))
            {
                writer.WriteLine($"padded.Slice(first * {l.PaddedPlane}, (end - first) * {l.PaddedPlane}).Clear();");
                writer.WriteLine(Code.StartRef(l.Element, "input"));
                writer.WriteLine(Code.StartRef(l.Element, "padded"));
                if (l.Flat)
                {
                    writer.WriteLine(Code.Derive(l.Element, "copiesStart", "paddedStart", Literals.Int(l.PaddedLength)));
                }

                WritePaddedCopy(writer, l, ("first", "end"));
                if (l.Flat)
                {
                    writer.WriteLine();
                    WriteShiftedCopies(writer, l, ("first", "end"));
                }
            }

            ParallelParts.WriteMembers(writer, method, l.Geometry.InputChannels, l.Element, PrepareSpans);
        }

        /// <summary>The units of the parallel form, over the padded input (and its shifted copies) the caller prepared.</summary>
        private static void WriteUnits(IndentedWriter writer, ConvVectorLayout l, Tile tile, Units units)
        {
            WritePrepareUnits(writer, l);
            ConvGeometry g = l.Geometry;
            string method = $"{l.Method}_{l.Width.Name}";
            var spans = UnitSpans(l, "padded");
            using (ParallelParts.BeginUnits(writer, method, l.Element, spans,
                $"Units [first, end) of {units.Count}: unit u is group u / {units.ChannelTiles * units.RowBlocks}, tile of output channels u / {units.RowBlocks} % {units.ChannelTiles}, block of row tiles u % {units.RowBlocks}."))
            {
                writer.WriteLine(Code.StartRef(l.Element, "padded"));
                if (l.Flat)
                {
                    writer.WriteLine(Code.Derive(l.Element, "copiesStart", "paddedStart", Literals.Int(l.PaddedLength)));
                }

                writer.WriteLine(Code.StartRef(l.Element, "weight"));
                writer.WriteLine(Code.StartRef(l.Element, "output"));
                l.Epilogue.WriteStart(writer);
                using (writer.Block("for (int u = first; u < end; u++)"))
                {
                    writer.WriteLine(g.Groups == 1 ? "const int g = 0;" : $"int g = u / {units.ChannelTiles * units.RowBlocks};");
                    writer.WriteLine($"int channelTile = u / {units.RowBlocks} % {units.ChannelTiles}, block = u % {units.RowBlocks};");
                    writer.WriteLine($"int m = channelTile * {tile.Channels};");
                    var rows = units.RowTiles == 0 ? null
                        : new RowRange($"block * {units.RowTiles} / {units.RowBlocks} * {tile.Rows}", $"(block + 1) * {units.RowTiles} / {units.RowBlocks} * {tile.Rows}", $"block == {units.RowBlocks - 1}");
                    int rest = g.OutputChannelsPerGroup % tile.Channels;
                    if (rest == 0)
                    {
                        WriteChannelTile(writer, l, tile, tile.Channels, rows);
                    }
                    else
                    {
                        using (writer.Block($"if (channelTile < {units.FullChannelTiles})"))
                        {
                            WriteChannelTile(writer, l, tile, tile.Channels, rows);
                        }

                        using (writer.Block("else"))
                        {
                            WriteChannelTile(writer, l, tile, rest, rows);
                        }
                    }
                }
            }

            ParallelParts.WriteMembers(writer, method, units.Count, l.Element, spans);
        }

        /// <summary>In the parallel form, a unit's tiles of rows: whole ones from <c>First</c> to <c>End</c>, and the rows after the last whole tile when <c>IsLast</c>.</summary>
        private sealed record RowRange(string First, string End, string IsLast);

        private static void WriteBody(IndentedWriter writer, ConvVectorLayout l, Tile tile, Units? units)
        {
            writer.WriteLine($"// The input, zero-padded to {ShapeText.Format(new[] { l.Geometry.InputChannels }.Concat(l.PaddedSize).ToArray())}, in a pooled buffer: no allocation once the pool holds one.");
            if (l.Flat)
            {
                writer.WriteLine($"// After it, {l.CopyCount} shifted copies of {ShapeText.Format(new[] { l.Geometry.InputChannels }.Concat(l.CopySize).ToArray())}: each row of a copy holds the {l.OutputColumns} columns one last-axis tap reads.");
            }

            writer.WriteLine($"{l.Element}[] rented = global::System.Buffers.ArrayPool<{l.Element}>.Shared.Rent({l.PaddedLength + l.CopiesLength});");
            if (units is not null)
            {
                // Split across the workers: the copies by input channels, then the products by units.
                using (writer.Block("try"))
                {
                    writer.WriteLine($"global::System.Span<{l.Element}> prepared = global::System.MemoryExtensions.AsSpan(rented, 0, {l.PaddedLength + l.CopiesLength});");
                    ParallelParts.WriteRun(writer, $"{l.Method}_{l.Width.Name}_Prepare", l.Geometry.InputChannels, l.Element, PrepareSpans);
                    ParallelParts.WriteRun(writer, $"{l.Method}_{l.Width.Name}", units.Count, l.Element, UnitSpans(l, "prepared"));
                }

                using (writer.Block("finally"))
                {
                    writer.WriteLine($"global::System.Buffers.ArrayPool<{l.Element}>.Shared.Return(rented);");
                }

                return;
            }

            using (writer.Block("try"))
            {
                writer.WriteLine($"global::System.Span<{l.Element}> padded = global::System.MemoryExtensions.AsSpan(rented, 0, {l.PaddedLength});");
                writer.WriteLine("padded.Clear();");
                writer.WriteLine(Code.StartRef(l.Element, "input"));
                writer.WriteLine(Code.StartRef(l.Element, "padded"));
                if (l.Flat)
                {
                    writer.WriteLine($"global::System.Span<{l.Element}> copies = global::System.MemoryExtensions.AsSpan(rented, {l.PaddedLength}, {l.CopiesLength});");
                    writer.WriteLine(Code.StartRef(l.Element, "copies"));
                }

                writer.WriteLine(Code.StartRef(l.Element, "weight"));
                writer.WriteLine(Code.StartRef(l.Element, "output"));
                l.Epilogue.WriteStart(writer);
                if (l.PartialRow)
                {
                    writer.WriteLine($"// Rows of {l.OutputColumns} columns: of each vector, the first {l.OutputColumns} lanes are stored, from registers.");
                }

                WritePaddedCopy(writer, l);
                writer.WriteLine();
                if (l.Flat)
                {
                    WriteShiftedCopies(writer, l);
                    writer.WriteLine();
                }

                WriteProducts(writer, l, tile);
            }

            using (writer.Block("finally"))
            {
                writer.WriteLine($"global::System.Buffers.ArrayPool<{l.Element}>.Shared.Return(rented);");
            }
        }

        /// <summary>Each input row into its padded place; with a column stride above 1, each element into its column phase.</summary>
        /// <param name="channels">The input channels copied: every one, or in the parallel form a unit's range.</param>
        private static void WritePaddedCopy(IndentedWriter writer, ConvVectorLayout l, (string First, string End)? channels = null)
        {
            int last = l.Rank - 1, columns = l.Geometry.InputSize[last], pad = l.Spec.Pad[last];
            using var loops = new IndentedWriter.Nest();
            string source = Code.Times("c", l.Geometry.InputPlane), target = Code.Times("c", l.PaddedPlane);
            loops.Add(writer.Block($"for (int c = {channels?.First ?? "0"}; c < {channels?.End ?? Literals.Int(l.Geometry.InputChannels)}; c++)"));
            for (int axis = 0; axis < last; axis++)
            {
                string i = $"i{axis}";
                loops.Add(writer.Block($"for (int {i} = 0; {i} < {l.Geometry.InputSize[axis]}; {i}++)"));
                source += " + " + Code.Times(i, l.Geometry.InputStrides[axis]);
                target += " + " + Code.Times($"({i} + {l.Spec.Pad[axis]})", l.PaddedStrides[axis]);
            }

            if (l.ColumnStride == 1)
            {
                writer.WriteLine(Code.CopyElements(l.Element, "paddedStart", $"{target} + {pad}", "inputStart", source, columns));
            }
            else
            {
                writer.WriteLine(Code.Derive(l.Element, "from", "inputStart", source));
                writer.WriteLine(Code.Derive(l.Element, "to", "paddedStart", target));
                ColumnPhases.WriteRow(writer, l.Width, l.ElementType, l.ColumnStride, columns, pad, phase => phase * l.PhaseLength);
            }
        }

        /// <summary>
        /// The flat form's copies, from the padded buffer: copy (row phase <c>ph</c>, last-axis tap <c>t</c>) row <c>i</c>
        /// holds the <c>OW</c> columns tap <c>t</c> reads from padded row <c>i*rowStride + ph</c>, which sit side by side
        /// in their column phase. Rows past a phase's last padded row stay unwritten: no output reads them.
        /// </summary>
        /// <param name="channels">The input channels copied: every one, or in the parallel form a unit's range.</param>
        private static void WriteShiftedCopies(IndentedWriter writer, ConvVectorLayout l, (string First, string End)? channels = null)
        {
            int rowAxis = l.Rank - 2, paddedRows = l.PaddedSize[rowAxis], taps = l.Geometry.Kernel[l.Rank - 1], dilation = l.Spec.Dilation[l.Rank - 1];
            writer.WriteLine(l.RowStride == 1
                ? "// Shifted copies: copy t, row i, column q = padded row i, the column last-axis tap t reads for output column q."
                : "// Shifted copies: copy (ph, t), row i, column q = padded row " + Code.Affine("i", l.RowStride, 0) + " + ph, the column last-axis tap t reads for output column q.");
            using (writer.Block($"for (int t = 0; t < {taps}; t++)"))
            {
                writer.WriteLine(l.ColumnStride == 1
                    ? $"int tapColumn = {Code.Times("t", dilation)};"
                    : $"int reach = {Code.Times("t", dilation)}, tapColumn = reach % {l.ColumnStride} * {l.PhaseLength} + reach / {l.ColumnStride};");
                for (int phase = 0; phase < l.RowStride; phase++)
                {
                    int rows = (paddedRows - phase + l.RowStride - 1) / l.RowStride;
                    using var loops = new IndentedWriter.Nest();
                    if (l.RowStride > 1)
                    {
                        writer.WriteLine($"// row phase {phase}: padded rows {Code.Affine("i", l.RowStride, phase)} for i in [0, {rows})");
                    }

                    string source = Code.Times("c", l.PaddedPlane) + " + tapColumn", target = $"{Code.Times("t", l.CopyBlock)} + {Code.Times("c", l.CopyPlane)}";
                    if (phase > 0)
                    {
                        target = $"{l.CopyStart(phase, 0)} + {target}";
                    }

                    loops.Add(writer.Block($"for (int c = {channels?.First ?? "0"}; c < {channels?.End ?? Literals.Int(l.Geometry.InputChannels)}; c++)"));
                    for (int axis = 0; axis < rowAxis; axis++)
                    {
                        string i = $"i{axis}";
                        loops.Add(writer.Block($"for (int {i} = 0; {i} < {l.PaddedSize[axis]}; {i}++)"));
                        source += " + " + Code.Times(i, l.PaddedStrides[axis]);
                        target += " + " + Code.Times(i, l.CopyStrides[axis]);
                    }

                    loops.Add(writer.Block($"for (int i = 0; i < {rows}; i++)"));
                    string paddedRow = Code.Affine("i", l.RowStride, phase);
                    source += " + " + Code.Times(paddedRow == "i" ? "i" : $"({paddedRow})", l.PaddedStrides[rowAxis]);
                    target += " + " + Code.Times("i", l.OutputColumns);
                    writer.WriteLine(Code.CopyElements(l.Element, "copiesStart", target, "paddedStart", source, l.OutputColumns));
                }
            }
        }

        /// <summary>
        /// Groups, then tiles of output channels, then the output's outer axes, tiles of rows and tiles of columns; in each
        /// tile the reduction over the group's input channels and every tap.
        /// </summary>
        private static void WriteProducts(IndentedWriter writer, ConvVectorLayout l, Tile tile)
        {
            ConvGeometry g = l.Geometry;
            var groupScope = g.Groups == 1 ? (IDisposable?)null : writer.Block($"for (int g = 0; g < {g.Groups}; g++)");
            if (g.Groups == 1)
            {
                writer.WriteLine("const int g = 0;");
            }

            TileLoop.Write(writer, "m", g.OutputChannelsPerGroup, tile.Channels, channels => WriteChannelTile(writer, l, tile, channels, rows: null));
            groupScope?.Dispose();
        }

        /// <summary>
        /// One tile of output channels (group <c>g</c>, first channel <c>m</c>): the output's outer axes, its tiles of rows
        /// (in the parallel form, those of the unit's block) and tiles of columns.
        /// </summary>
        private static void WriteChannelTile(IndentedWriter writer, ConvVectorLayout l, Tile tile, int channels, RowRange? rows)
        {
            ConvGeometry g = l.Geometry;
            {
                using var loops = new IndentedWriter.Nest();
                string input = $"g * {g.InputChannelsPerGroup * l.PaddedPlane}", output = $"(g * {g.OutputChannelsPerGroup} + m) * {g.OutputPlane}";
                int[] readStrides = l.Flat ? l.CopyStrides : l.PaddedStrides;
                if (l.Flat)
                {
                    input = $"g * {g.InputChannelsPerGroup * l.CopyPlane}";
                }

                for (int axis = 0; axis < l.Rank - 2; axis++)
                {
                    string o = $"o{axis}";
                    loops.Add(writer.Block($"for (int {o} = 0; {o} < {g.OutputSize[axis]}; {o}++)"));
                    input += " + " + Code.Times(o, l.Spec.Stride[axis] * readStrides[axis]);
                    output += " + " + Code.Times(o, g.OutputStrides[axis]);
                }

                if (l.Flat)
                {
                    WriteColumnTiles(writer, l, tile with { Channels = channels }, input, output);
                }
                else if (l.Rank >= 2)
                {
                    input += " + " + Code.Times("row", l.RowStep);
                    output += " + " + Code.Times("row", g.OutputStrides[l.Rank - 2]);
                    if (rows is null)
                    {
                        TileLoop.Write(writer, "row", l.Rows, tile.Rows, count => WriteColumnTiles(writer, l, tile with { Channels = channels, Rows = count }, input, output));
                    }
                    else
                    {
                        WriteRowBlock(writer, l, tile with { Channels = channels }, rows, input, output);
                    }
                }
                else
                {
                    WriteColumnTiles(writer, l, tile with { Channels = channels }, input, output);
                }
            }
        }

        /// <summary>A unit's tiles of rows: its whole tiles in a loop, then, in the last block, the rows after the last whole tile.</summary>
        private static void WriteRowBlock(IndentedWriter writer, ConvVectorLayout l, Tile tile, RowRange rows, string input, string output)
        {
            int full = l.Rows / tile.Rows * tile.Rows, rest = l.Rows - full;
            using (writer.Block($"for (int row = {rows.First}; row < {rows.End}; row += {tile.Rows})"))
            {
                WriteColumnTiles(writer, l, tile, input, output);
            }

            if (rest > 0)
            {
                using (writer.Block($"if ({rows.IsLast})"))
                {
                    writer.WriteLine($"const int row = {full};");
                    WriteColumnTiles(writer, l, tile with { Rows = rest }, input, output);
                }
            }
        }

        /// <summary>The column tiles of one tile of rows: a loop over the whole tiles of a long row, then the rest at constant places.</summary>
        private static void WriteColumnTiles(IndentedWriter writer, ConvVectorLayout l, Tile tile, string input, string output)
        {
            VectorStarts starts = l.ColumnStarts;
            int first = 0;
            int uniform = starts.Uniform;
            int wholeTiles = uniform / tile.Vectors;
            if (wholeTiles > MaxUnrolledColumnTiles)
            {
                int step = tile.Vectors * l.Lanes;
                using (writer.Block($"for (int column = 0; column < {wholeTiles * step}; column += {step})"))
                {
                    WriteTile(writer, l, tile, Enumerable.Range(0, tile.Vectors).Select(v => v * l.Lanes).ToArray(), $"{input} + column", $"{output} + column");
                }

                first = wholeTiles * tile.Vectors;
            }

            for (; first < starts.Count; first += tile.Vectors)
            {
                int[] tileStarts = starts.Slice(first, tile.Vectors);
                using (writer.Block())
                {
                    WriteTile(writer, l, tile with { Vectors = tileStarts.Length }, tileStarts, input, output);
                }
            }
        }

        /// <summary>
        /// channels x rows x vectors accumulators start from the bias; for every input channel of the group and every tap,
        /// each row and vector of the tile loads its input once and every channel adds it times one weight.
        /// </summary>
        /// <param name="starts">The columns the tile's vectors start at, from the tile's place.</param>
        private static void WriteTile(IndentedWriter writer, ConvVectorLayout l, Tile tile, int[] starts, string input, string output)
        {
            VectorWidth v = l.Width;
            ConvGeometry g = l.Geometry;
            string Acc(int c, int r, int j) => $"c{c}_{r}_{j}";
            for (int c = 0; c < tile.Channels; c++)
            {
                string start = l.HasBias ? v.Broadcast($"bias[g * {g.OutputChannelsPerGroup} + m + {c}]") : $"{v.Type}<{l.Element}>.Zero";
                var names = from r in Enumerable.Range(0, tile.Rows) from j in Enumerable.Range(0, tile.Vectors) select $"{Acc(c, r, j)} = {start}";
                writer.WriteLine($"{v.Type}<{l.Element}> {string.Join(", ", names)};");
            }

            writer.WriteLine(Code.Derive(l.Element, "xk", l.Flat ? "copiesStart" : "paddedStart", input));
            writer.WriteLine(Code.Derive(l.Element, "wk", "weightStart", $"(g * {g.OutputChannelsPerGroup} + m) * {g.InputChannelsPerGroup * g.KernelTaps}"));
            ChannelLoop.Write(writer, l.Element, "j", g.InputChannelsPerGroup, new[] { ("xj", "xk", l.Flat ? l.CopyPlane : l.PaddedPlane), ("wj", "wk", g.KernelTaps) },
                () => WriteTaps(writer, l, tile, starts, Acc));

            // Where each accumulator is stored: a whole vector at the tile's place, or the first lanes of a partial row.
            var places = (from c in Enumerable.Range(0, tile.Channels)
                          from r in Enumerable.Range(0, tile.Rows)
                          let row = $"{output} + {c * g.OutputPlane + r * (l.Rank >= 2 ? g.OutputStrides[l.Rank - 2] : 0)}"
                          from j in Enumerable.Range(0, tile.Vectors)
                          select (Accumulator: Acc(c, r, j), Row: row, Offset: l.PartialRow ? row : $"{row} + {starts[j]}")).ToList();
            Epilogue epilogue = l.Epilogue;
            if (!epilogue.IsEmpty)
            {
                writer.WriteLine($"// {epilogue.Description} in registers: every sum of the tile is complete.");
                foreach (var place in places)
                {
                    writer.WriteLine($"{place.Accumulator} = {epilogue.Finish(place.Accumulator, "residualStart", place.Offset)};");
                }
            }

            foreach (var place in places)
            {
                if (l.PartialRow)
                {
                    v.WriteStoreFirst(writer, place.Accumulator, l.OutputColumns, l.ElementType, "outputStart", place.Row);
                }
                else
                {
                    writer.WriteLine(v.Store(place.Accumulator, "outputStart", place.Offset));
                }
            }
        }

        /// <summary>
        /// The taps of one input channel: the outer axes' taps in loops (their offsets computed once per tap), the last
        /// axis's written out one by one while there are few. In the flat form the row axis's taps loop too: row tap
        /// <c>th</c> (<c>th*dilation = a*rowStride + ph</c>) reads row phase <c>ph</c>'s copies <c>a</c> rows on, and
        /// last-axis tap <c>t</c> its own copy.
        /// </summary>
        private static void WriteTaps(IndentedWriter writer, ConvVectorLayout l, Tile tile, int[] starts, Func<int, int, int, string> acc)
        {
            ConvGeometry g = l.Geometry;
            int last = l.Rank - 1, paddedAxes = l.Flat ? l.Rank - 2 : last;
            int[] readStrides = l.Flat ? l.CopyStrides : l.PaddedStrides;
            using var loops = new IndentedWriter.Nest();
            var tapInput = new List<string>();
            var tapWeight = new List<string>();
            for (int axis = 0; axis < paddedAxes; axis++)
            {
                string t = $"t{axis}";
                loops.Add(writer.Block($"for (int {t} = 0; {t} < {g.Kernel[axis]}; {t}++)"));
                tapInput.Add(Code.Times(t, l.Spec.Dilation[axis] * readStrides[axis]));
                tapWeight.Add(Code.Times(t, g.KernelStrides[axis]));
            }

            if (l.Flat)
            {
                int rowAxis = l.Rank - 2, rowDilation = l.Spec.Dilation[rowAxis];
                string th = $"t{rowAxis}";
                loops.Add(writer.Block($"for (int {th} = 0; {th} < {g.Kernel[rowAxis]}; {th}++)"));
                if (l.RowStride == 1)
                {
                    writer.WriteLine($"// row tap {th}: {Code.Times(th, rowDilation)} rows on in every copy");
                    tapInput.Add(Code.Times(th, rowDilation * l.OutputColumns));
                }
                else
                {
                    writer.WriteLine($"// row tap {th} reaches rowReach padded rows: the copies of row phase rowReach % {l.RowStride}, rowReach / {l.RowStride} rows on");
                    writer.WriteLine($"int rowReach = {Code.Times(th, rowDilation)};");
                    tapInput.Add($"rowReach % {l.RowStride} * {l.CopyStart(1, 0)} + rowReach / {l.RowStride} * {l.OutputColumns}");
                }

                tapWeight.Add(Code.Times(th, g.KernelStrides[rowAxis]));
            }

            // References to this input channel's and these taps' first reads, so that every load below is at a constant
            // offset from one of them: an offset computed as an int costs two instructions per load (add and sign
            // extension), a third of the instructions of a 128-bit tile, whose multiply-adds are two instructions each.
            writer.WriteLine(tapInput.Count == 0 ? Code.Cursor(l.Element, "xt", "xj") : Code.Derive(l.Element, "xt", "xj", string.Join(" + ", tapInput)));
            writer.WriteLine(tapWeight.Count == 0 ? Code.Cursor(l.Element, "wt", "wj") : Code.Derive(l.Element, "wt", "wj", string.Join(" + ", tapWeight)));

            int taps = g.Kernel[last], dilation = l.Spec.Dilation[last];
            if (taps <= MaxUnrolledTaps)
            {
                for (int t = 0; t < taps; t++)
                {
                    int reach = t * dilation, tapOffset = l.Flat ? l.CopyStart(0, t) : l.ColumnTapOffset(t);
                    writer.WriteLine(l.Flat ? $"// last-axis tap {t}: its copy" : $"// last-axis tap {t}: column phase {reach % l.ColumnStride}, at output column + {reach / l.ColumnStride}");
                    using (writer.Block())
                    {
                        WriteTapProducts(writer, l, tile, starts, acc, load: offset => Literals.Int(offset + tapOffset), weight: c => Literals.Int((c * g.InputChannelsPerGroup * g.KernelTaps) + t));
                    }
                }
            }
            else
            {
                using (writer.Block($"for (int t = 0; t < {taps}; t++)"))
                {
                    if (l.Flat)
                    {
                        writer.WriteLine("// last-axis tap t: its copy");
                        writer.WriteLine($"int tapColumn = {Code.Times("t", l.CopyBlock)};");
                    }
                    else
                    {
                        writer.WriteLine($"// last-axis tap t: column phase (t*{dilation}) % {l.ColumnStride}, at output column + (t*{dilation}) / {l.ColumnStride}");
                        writer.WriteLine($"int reach = {Code.Times("t", dilation)}, tapColumn = reach % {l.ColumnStride} * {l.PhaseLength} + reach / {l.ColumnStride};");
                    }

                    WriteTapProducts(writer, l, tile, starts, acc, load: offset => $"tapColumn + {offset}", weight: c => $"t + {c * g.InputChannelsPerGroup * g.KernelTaps}");
                }
            }
        }

        /// <summary>
        /// One tap: each row and vector of the tile loads its input once (at <paramref name="load"/> of its offset from
        /// the tile's first read), and every channel adds them times its weight (at <paramref name="weight"/> of the channel).
        /// </summary>
        private static void WriteTapProducts(IndentedWriter writer, ConvVectorLayout l, Tile tile, int[] starts, Func<int, int, int, string> acc,
            Func<int, string> load, Func<int, string> weight)
        {
            VectorWidth v = l.Width;
            for (int r = 0; r < tile.Rows; r++)
            {
                for (int j = 0; j < tile.Vectors; j++)
                {
                    writer.WriteLine($"var b{r}_{j} = {v.Load("xt", load((r * l.RowStep) + starts[j]))};");
                }
            }

            for (int c = 0; c < tile.Channels; c++)
            {
                writer.WriteLine($"var a{c} = {v.Broadcast(Code.At("wt", weight(c)))};");
                for (int r = 0; r < tile.Rows; r++)
                {
                    for (int j = 0; j < tile.Vectors; j++)
                    {
                        writer.WriteLine($"{acc(c, r, j)} = {v.Fma($"a{c}", $"b{r}_{j}", acc(c, r, j))};");
                    }
                }
            }
        }

        /// <summary>
        /// Up to four channels (a number that divides the group's when one is near), as many vectors of a row (at most
        /// three) and rows as the accumulators allow; when that takes every row and leaves registers over, more channels.
        /// </summary>
        private static Tile ChooseTile(ConvVectorLayout l)
        {
            int perGroup = l.Geometry.OutputChannelsPerGroup;
            int most = Math.Min(4, perGroup);
            int even = Enumerable.Range(1, most).Last(c => perGroup % c == 0);
            int channels = even * 2 >= most ? even : most;
            int accumulators = l.Width.Registers >= 32 && channels > 1 ? WideAccumulators : Math.Min(MaxAccumulators, l.Width.TileAccumulators);
            int vectors = Math.Min(Math.Min(3, l.ColumnStarts.Count), Math.Max(1, accumulators / channels));
            int rows = Math.Max(1, Math.Min(l.Rows, accumulators / (channels * vectors)));
            if (rows < l.Rows || perGroup <= channels)
            {
                return new Tile(channels, rows, vectors);
            }

            // Every row fits in one tile (a 1-D layer has one): the registers left go to more channels, a number that
            // divides them, and as many vectors as then fit; of equal products, the squarer tile.
            return (from v in Enumerable.Range(1, Math.Min(3, l.ColumnStarts.Count))
                    from c in Enumerable.Range(channels, perGroup - channels + 1)
                    where perGroup % c == 0 && c * v * rows <= accumulators
                    orderby c * v descending, c + v
                    select new Tile(c, rows, v)).DefaultIfEmpty(new Tile(channels, rows, vectors)).First();
        }

        private sealed record Tile(int Channels, int Rows, int Vectors);
    }
}
