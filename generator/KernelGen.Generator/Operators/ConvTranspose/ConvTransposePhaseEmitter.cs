using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using Layout = KernelGen.Generator.Operators.ConvTranspose.ConvTransposePhaseLayout;
using PhaseSet = KernelGen.Generator.Operators.ConvTranspose.ConvTransposePhaseSet;
using Tile = KernelGen.Generator.Operators.ConvTranspose.ConvTransposeTiling.Tile;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>
    /// The vector form of a transposed convolution of any rank and dilation: for each stride phase (see
    /// <see cref="ConvTransposePhases"/>), a dense correlation computed like a matrix product, with a tile of output
    /// channels x output rows x vectors of output columns held in registers over the whole reduction (input channels
    /// times the phase's taps, the depth taps included). A 1-D layer is one row of one plane, a 3-D layer's depth phase
    /// runs plane by plane (<see cref="ConvTransposePhaseLayout"/>). The input is copied once into a zero-padded buffer
    /// so that every vector load is in bounds and no tap needs a border test.
    /// </summary>
    internal static class ConvTransposePhaseEmitter
    {
        /// <summary>
        /// Whole vector tiles of a row written out one after another; a longer row loops over its whole tiles, so the
        /// generated source does not grow with the width.
        /// </summary>
        private const int MaxUnrolledVectorTiles = 4;

        /// <summary>Taps of a phase written out one by one; a larger window loops over its taps.</summary>
        private const int MaxUnrolledTaps = 16;

        /// <summary>
        /// Every rank takes the vector form: a layer is seen as 3-D (<see cref="ConvTransposePhaseLayout"/>), so a 1-D layer is
        /// one row of one plane, a 2-D layer one plane, and a 3-D layer runs each depth phase plane by plane.
        /// </summary>
        public static bool Applies(KernelSignature signature, ConvTransposeSpec spec) =>
            signature.SpatialRank is >= 1 and <= 3 && IntSizedLayouts.Fit(signature, spec.Kernel, spec.Stride, spec.Pad, spec.Dilation, int.MaxValue / 4);

        /// <summary>
        /// The widths in the order the dispatch tries them: fewest vector multiply-adds first, and of two that need as
        /// many, the narrower (as when every phase's output row fits in one Vector256: wider vectors would mostly hold
        /// padding). The dispatch takes the first the hardware accelerates, so every machine gets its best width.
        /// </summary>
        public static VectorWidth[] Widths(KernelSignature signature, ConvTransposeSpec spec)
        {
            if (!Applies(signature, spec))
            {
                return new VectorWidth[0];
            }

            return VectorWidth.All.OrderBy(width => new Layout(signature, spec, width).VectorProducts).ThenBy(width => width.Bytes).ToArray();
        }

        public static void WriteMethods(IndentedWriter writer, KernelSignature signature, ConvTransposeSpec spec)
        {
            if (signature.SpatialRank == 1)
            {
                writer.WriteLine("// The vector form treats this 1-D layer as a 2-D one of a single row ([C, L] as [C, 1, L], k as 1 x k).");
            }
            else if (signature.SpatialRank == 3)
            {
                writer.WriteLine("// The vector form runs each depth phase plane by plane: a 2-D phase whose reduction also runs over the depth taps.");
            }

            bool checksOutput = new ConvTransposeGeometry(signature, spec).ChecksOutput;
            foreach (VectorWidth width in VectorWidth.All)
            {
                FiniteWeights.WriteCheck(writer, signature, width, checksOutput);
                var layout = new Layout(signature, spec, width);
                ConvTransposeUnits? units = ConvTransposeUnits.For(layout);
                List<PhaseMethod> methods = PhaseMethods(writer, layout, units is not null);
                writer.WriteLine();
                writer.WriteLine("#if NET9_0_OR_GREATER");
                WriteEntry(writer, layout, methods, units);
                foreach (PhaseMethod method in methods)
                {
                    writer.WriteLine();
                    WritePhaseMethod(writer, layout, method, units is not null);
                }

                writer.WriteLine("#endif");
                if (units is not null)
                {
                    WriteUnits(writer, layout, methods, units);
                }
            }
        }

        private static string Parameters(Layout l, string first) =>
            $"global::System.ReadOnlySpan<{l.Element}> {first}, global::System.ReadOnlySpan<{l.Element}> weight, {(l.HasBias ? $"global::System.ReadOnlySpan<{l.Element}> bias, " : string.Empty)}global::System.Span<{l.Element}> output";

        private static string Arguments(Layout l, string first) => $"{first}, weight, {(l.HasBias ? "bias, " : string.Empty)}output";

        /// <summary>
        /// One method per distinct phase body: the body is written relative to where its phase starts (the arguments
        /// <c>inputPhase</c>, <c>weightPhase</c>, <c>outputPhase</c>), so phases with the same counts of rows, columns and
        /// taps have the same text and share it. The DCGAN layer's four phases become one method per width: a quarter
        /// of the phase code to compile, and the same loads, multiply-adds and stores at run time.
        /// </summary>
        /// <param name="split">Whether the layer is split across the workers: each call then runs one group's range of channel tiles (<see cref="ConvTransposeUnits"/>).</param>
        private static List<PhaseMethod> PhaseMethods(IndentedWriter writer, Layout l, bool split)
        {
            var methods = new List<PhaseMethod>();
            foreach (PhaseSet set in l.PhaseSets)
            {
                string body = writer.Capture(w =>
                {
                    using (w.Block())
                    {
                        WritePhaseBody(w, l, set, split);
                    }
                });
                PhaseMethod? same = methods.FirstOrDefault(m => m.Body == body);
                if (same is null)
                {
                    methods.Add(same = new PhaseMethod($"{l.Method}_{l.Width.Name}_Phases{methods.Count}", body));
                }

                same.Sets.Add(set);
            }

            return methods;
        }

        /// <summary>The calls of the phase methods, one per phase set, each told where its phase starts.</summary>
        private static void WritePhaseCalls(IndentedWriter writer, Layout l, List<PhaseMethod> methods, string input)
        {
            IDisposable? blocks = null;
            if (l.IsBlocked)
            {
                writer.WriteLine($"// Output channels in blocks of {l.ChannelBlock}, whose weights ({l.OutputChannelWeightBytes * l.ChannelBlock / 1024} KiB) stay in the cache while every phase reads them.");
                blocks = writer.Block($"for (int channelStart = 0; channelStart < {l.OutputChannelsPerGroup}; channelStart += {l.ChannelBlock})");
            }

            foreach (PhaseSet set in l.PhaseSets)
            {
                PhaseMethod method = methods.First(m => m.Sets.Contains(set));
                string channelStart = l.IsBlocked ? ", channelStart" : string.Empty;
                string Call(string inputPhase, string outputPhase) =>
                    $"{method.Name}({Arguments(l, input)}, inputPhase: {inputPhase}, weightPhase: {l.WeightOrigin(set)}, outputPhase: {outputPhase}{channelStart}); // phase {set.Describe(l)}";
                int planes = l.Depth.Count(set.Rd);
                if (planes == 1)
                {
                    writer.WriteLine(Call(Literals.Int(l.InputOrigin(set)), Literals.Int(l.OutputOrigin(set))));
                    continue;
                }

                // The phase's output planes one after another; plane qd's reads start qd planes further into the padded input.
                writer.WriteLine($"for (int qd = 0; qd < {planes}; qd++) " + Call(Code.Affine("qd", l.PaddedPlane, l.InputOrigin(set)), Code.Affine("qd", l.Depth.Stride * l.OutputPlane, l.OutputOrigin(set))));
            }

            blocks?.Dispose();
        }

        private static void WriteEntry(IndentedWriter writer, Layout l, List<PhaseMethod> methods, ConvTransposeUnits? units)
        {
            string split = units is null ? string.Empty : " Split across the workers.";
            writer.WriteLine($"/// <summary>One sample with {l.Width.Name}: {l.PhaseSets.Count} set(s) of stride phases, each a register-tiled product over the zero-padded input.{split}</summary>");
            Code.WriteOptimizedAttribute(writer, guarded: false);
            using (writer.Block($"private static void {l.Method}_{l.Width.Name}({Parameters(l, "input")})"))
            {
                if (l.HasEmptyPhases)
                {
                    writer.WriteLine("// Some phases have no kernel tap: their outputs hold only the bias.");
                    using (writer.Block($"for (int co = 0; co < {l.OutputChannels}; co++)"))
                    {
                        writer.WriteLine($"output.Slice({Code.Times("co", l.OutputVolume)}, {l.OutputVolume}).Fill({ActivationWriter.InRegisters(l.Activation, l.HasBias ? "bias[co]" : Literals.Real(0, l.ElementType))});");
                    }
                }

                if (!l.CopiesInput)
                {
                    writer.WriteLine("// Every tap of every phase reads inside the input: no padded copy is needed.");
                    WriteProducts(writer, l, methods, units, "input");

                    return;
                }

                string paddedShape = (l.SpatialRank == 3 ? $"{l.InputChannels}, {l.PaddedDepth}" : $"{l.InputChannels}") + $", {l.PaddedHeight}, {l.PaddedWidth}";
                static string Count(int n, string what) => $"{n} {what}{(n == 1 ? string.Empty : "s")}";
                string before = "before: " + (l.SpatialRank == 3 ? Count(l.Depth.PadBefore, "plane") + ", " : string.Empty) + Count(l.Rows.PadBefore, "row") + ", " + Count(l.Columns.PadBefore, "column");
                if (l.ShiftedColumns)
                {
                    paddedShape = paddedShape.Insert(paddedShape.IndexOf(',') + 1, $" {l.ColumnCopies},");
                    writer.WriteLine($"// The input, zero-padded ({before}) and copied {l.ColumnCopies} times per channel, [{paddedShape}]: column q of copy k holds padded column q + {Code.Affine("k", 1, l.FirstColumnOffset)}, so each tap reads from its own copy and a phase's rows lie {l.PaddedWidth} apart, with no padding column between them. In a pooled buffer: no allocation once the pool holds one.");
                }
                else if (l.NeedsPadding)
                {
                    writer.WriteLine($"// The input, zero-padded to [{paddedShape}] ({before}), in a pooled buffer: no allocation once the pool holds one.");
                }
                else
                {
                    writer.WriteLine(CacheSets.SpacedCopyComment(l.ChannelStride));
                }

                if (l.ChannelSlack > 0)
                {
                    writer.WriteLine(CacheSets.SlackComment(l.ChannelSlack, (long)(l.ChannelStride - l.ChannelSlack) * l.ElementBytes));
                }

                writer.WriteLine($"{l.Element}[] rented = global::System.Buffers.ArrayPool<{l.Element}>.Shared.Rent({l.PaddedLength});");
                using (writer.Block("try"))
                {
                    writer.WriteLine($"global::System.Span<{l.Element}> padded = global::System.MemoryExtensions.AsSpan(rented, 0, {l.PaddedLength});");
                    if (l.NeedsPadding)
                    {
                        writer.WriteLine("padded.Clear();");
                    }

                    writer.WriteLine(Code.StartRef(l.Element, "input"));
                    writer.WriteLine(Code.StartRef(l.Element, "padded"));
                    if (l.NeedsPadding)
                    {
                        WritePaddedCopy(writer, l);
                    }
                    else
                    {
                        using (writer.Block($"for (int c = 0; c < {l.InputChannels}; c++)"))
                        {
                            writer.WriteLine(Code.CopyElements(l.Element, "paddedStart", Code.Times("c", l.ChannelStride), "inputStart", Code.Times("c", l.InputVolume), l.InputVolume));
                        }
                    }

                    WriteProducts(writer, l, methods, units, "padded");
                }

                using (writer.Block("finally"))
                {
                    writer.WriteLine($"global::System.Buffers.ArrayPool<{l.Element}>.Shared.Return(rented);");
                }
            }
        }

        /// <summary>The phase calls over <paramref name="input"/>: here, one after another, or split into units across the workers.</summary>
        private static void WriteProducts(IndentedWriter writer, Layout l, List<PhaseMethod> methods, ConvTransposeUnits? units, string input)
        {
            if (units is null)
            {
                WritePhaseCalls(writer, l, methods, input);
                return;
            }

            ParallelParts.WriteRun(writer, $"{l.Method}_{l.Width.Name}", units.Count, l.Element, UnitSpans(l, input));
        }

        private static List<ParallelParts.Span> UnitSpans(Layout l, string input) => ParallelParts.Weighted(input, l.HasBias, residual: false);

        /// <summary>
        /// The units of the split form (<see cref="ConvTransposeUnits"/>): each decodes its group, chunk and call, and runs
        /// that call's phase method over the chunk's channel tiles.
        /// </summary>
        private static void WriteUnits(IndentedWriter writer, Layout l, List<PhaseMethod> methods, ConvTransposeUnits units)
        {
            string method = $"{l.Method}_{l.Width.Name}";
            int calls = units.Calls;
            var spans = UnitSpans(l, "x");
            var parts = new List<string>();
            if (l.Groups > 1)
            {
                parts.Add($"group u / {units.Chunks * calls}");
            }

            if (units.Chunks > 1)
            {
                string chunk = calls == 1 ? "u" : $"u / {calls}";
                parts.Add($"chunk {chunk} % {units.Chunks} of each phase's tiles of output channels");
            }

            parts.Add(calls == 1 ? "the one phase call" : $"phase call u % {calls}");
            using (ParallelParts.BeginUnits(writer, method, l.Element, spans, $"Units [first, end) of {units.Count}: unit u is {string.Join(", ", parts)}."))
            {
                using (writer.Block("for (int u = first; u < end; u++)"))
                {
                    writer.WriteLine(l.Groups == 1 ? "const int g = 0;" : $"int g = u / {units.Chunks * calls};");
                    if (units.Chunks > 1)
                    {
                        writer.WriteLine(calls == 1 ? $"int chunk = u % {units.Chunks};" : $"int chunk = u / {calls} % {units.Chunks};");
                    }

                    if (calls > 1)
                    {
                        writer.WriteLine($"int call = u % {calls};");
                    }
                    int first = 0;
                    foreach (PhaseSet set in l.PhaseSets)
                    {
                        int planes = l.Depth.Count(set.Rd), tiles = ConvTransposeUnits.TilesOf(l, set);
                        PhaseMethod phaseMethod = methods.First(m => m.Sets.Contains(set));
                        string tileRange = units.Chunks == 1 ? $"0, {tiles}" : units.Chunks == tiles ? "chunk, chunk + 1" : $"chunk * {tiles} / {units.Chunks}, (chunk + 1) * {tiles} / {units.Chunks}";
                        string inputPhase = planes == 1 ? Literals.Int(l.InputOrigin(set)) : Code.Affine("qd", l.PaddedPlane, l.InputOrigin(set));
                        string outputPhase = planes == 1 ? Literals.Int(l.OutputOrigin(set)) : Code.Affine("qd", l.Depth.Stride * l.OutputPlane, l.OutputOrigin(set));
                        bool last = first + planes == calls;
                        string condition = first == 0 ? $"if (call < {first + planes})" : last ? "else" : $"else if (call < {first + planes})";
                        using (first == 0 && last ? writer.Block() : writer.Block(condition))
                        {
                            if (planes > 1)
                            {
                                writer.WriteLine($"int qd = call - {first}; // the phase's output plane");
                            }

                            writer.WriteLine($"{phaseMethod.Name}({Arguments(l, "x")}, inputPhase: {inputPhase}, weightPhase: {l.WeightOrigin(set)}, outputPhase: {outputPhase}, g, {tileRange}); // phase {set.Describe(l)}");
                        }

                        first += planes;
                    }
                }
            }

            ParallelParts.WriteMembers(writer, method, units.Count, l.Element, spans);
        }

        /// <summary>The input's rows into the zero-padded buffer (or, with shifted copies, into each copy).</summary>
        private static void WritePaddedCopy(IndentedWriter writer, Layout l)
        {
            writer.WriteLine($"// Rows are short: a copy of constant size, which the JIT turns into a few vector moves.");
            using (writer.Block($"for (int c = 0; c < {l.InputChannels}; c++)"))
            {
                // A 3-D layer's planes: the depth loop, and each plane's place in the padded and the input channel.
                IDisposable? depthLoop = l.SpatialRank == 3 ? writer.Block($"for (int d = 0; d < {l.Depth.Input}; d++)") : null;
                string paddedPlane = depthLoop is null ? string.Empty : $" + {Code.Times($"(d + {l.Depth.PadBefore})", l.PaddedPlane)}";
                string inputPlane = depthLoop is null ? string.Empty : $" + {Code.Times("d", l.Rows.Input * l.Columns.Input)}";
                using (writer.Block($"for (int row = 0; row < {l.Rows.Input}; row++)"))
                {
                    string targetRow = $"{Code.Times("c", l.ChannelStride)}{paddedPlane} + {Code.Times($"(row + {l.Rows.PadBefore})", l.PaddedWidth)}";
                    string sourceRow = $"{Code.Times("c", l.InputVolume)}{inputPlane} + {Code.Times("row", l.Columns.Input)}";
                    if (!l.ShiftedColumns)
                    {
                        writer.WriteLine(Code.CopyElements(l.Element, "paddedStart", $"{targetRow} + {l.Columns.PadBefore}", "inputStart", sourceRow, l.Columns.Input));
                    }

                    for (int k = 0; k < l.ColumnCopies; k++)
                    {
                        // Copy k's column q holds input column q + shift: the columns of the row that land inside the copy.
                        int shift = l.FirstColumnOffset + k - l.Columns.PadBefore;
                        int first = Math.Max(0, -shift), end = Math.Min(l.PaddedWidth, l.Columns.Input - shift);
                        if (first < end)
                        {
                            writer.WriteLine(Code.CopyElements(l.Element, "paddedStart", $"{targetRow} + {(k * l.PaddedVolume) + first}", "inputStart", $"{sourceRow} + {first + shift}", end - first));
                        }
                    }
                }

                depthLoop?.Dispose();
            }
        }

        private static void WritePhaseMethod(IndentedWriter writer, Layout l, PhaseMethod method, bool split)
        {
            PhaseSet set = method.Sets[0];
            int rh = set.Rh, qh = l.Rows.Count(rh), qw = l.Columns.Count(set.Rws[0]);
            Tile tile = ConvTransposeTiling.TileOf(l, set);
            string interleaved = set.Interleaved ? $", all {l.Columns.Stride} column phases together, interleaved in registers" : string.Empty;
            string form = l.Flat
                ? $"each phase one flat row of {l.FlatLength(rh, set.Rws[0], l.PaddedWidth)} lanes ({l.Width.Name}) over {(l.ShiftedColumns ? $"{l.ColumnCopies} shifted copies of width" : "the padded width")} {l.PaddedWidth}; tiles of {tile.Channels} channels x {tile.Vectors} vectors"
                : $"tiles of {tile.Channels} channels x {tile.Rows} rows x {tile.Vectors} vectors";
            string phases = string.Join(", ", method.Sets.Select(s => s.Describe(l)));
            string block = split ? " Group g's output channels in tiles tileFirst to tileEnd - 1."
                : l.IsBlocked ? $" Output channels channelStart to channelStart + {l.ChannelBlock - 1} of each group." : string.Empty;
            string range = split ? ", int g, int tileFirst, int tileEnd" : l.IsBlocked ? ", int channelStart" : string.Empty;
            writer.WriteLine($"/// <summary>Stride phase(s) {phases} ({(l.SpatialRank == 3 ? "depth, " : string.Empty)}row, column): {qh} output rows and {qw} columns each (rows {l.Rows.Stride}*q + row - {l.Rows.Pad}, columns {l.Columns.Stride}*q + column - {l.Columns.Pad}){interleaved}; {form}. The arguments place one phase: its first read in the padded input, its first tap in each channel's weights, its first output.{block}</summary>");
            Code.WriteOptimizedAttribute(writer, guarded: false);
            writer.WriteLine($"private static void {method.Name}({Parameters(l, "x")}, int inputPhase, int weightPhase, int outputPhase{range})");
            writer.WriteCaptured(method.Body);
        }

        /// <summary>The body of a phase method, written relative to the phase's start (see <see cref="PhaseMethods"/>).</summary>
        private static void WritePhaseBody(IndentedWriter writer, Layout l, PhaseSet set, bool split)
        {
            int rh = set.Rh, qh = l.Rows.Count(rh), qw = l.Columns.Count(set.Rws[0]);
            Tile tile = ConvTransposeTiling.TileOf(l, set);
            writer.WriteLine(Code.StartRef(l.Element, "x"));
            writer.WriteLine(Code.StartRef(l.Element, "weight"));
            writer.WriteLine(Code.StartRef(l.Element, "output"));
            int laneCount = l.Flat ? tile.Vectors * set.Rws.Length * l.Lanes : l.Lanes;
            writer.WriteLine($"global::System.Span<{l.Element}> lanes = stackalloc {l.Element}[{laneCount}];");
            writer.WriteLine(Code.StartRef(l.Element, "lanes"));
            if (set.Interleaved)
            {
                WriteInterleaveConstants(writer, l);
            }

            // Split, the group is the caller's (an argument).
            var groupScope = split || l.Groups == 1 ? (IDisposable?)null : writer.Block($"for (int g = 0; g < {l.Groups}; g++)");
            if (!split && l.Groups == 1)
            {
                writer.WriteLine("const int g = 0;");
            }

            if (l.Flat)
            {
                writer.WriteLine("const int qh = 0;");
                WriteChannelTiles(writer, l, set, tile, vectors: l.VectorsFor(l.FlatLength(rh, set.Rws[0], l.PaddedWidth)), qw, split);
            }
            else
            {
                int vectors = l.VectorsFor(qw);
                TileLoop.Write(writer, "qh", qh, tile.Rows, rows => WriteChannelTiles(writer, l, set, tile with { Rows = rows }, vectors, qw, split));
            }

            groupScope?.Dispose();
        }

        /// <summary>
        /// Output vector t of an interleaved block takes lane i from column phase (i mod stride) at index (t*lanes + i) / stride:
        /// one shuffle per phase (<see cref="Zipped"/>), and a select by lane with these masks.
        /// </summary>
        private static void WriteInterleaveConstants(IndentedWriter writer, Layout l)
        {
            int stride = l.Columns.Stride;
            string suffix = l.ElementType == ElementType.Float ? string.Empty : "L";
            string lanesOf(Func<int, string> value) => string.Join(", ", Enumerable.Range(0, l.Lanes).Select(value));
            string reinterpret = l.ElementType == ElementType.Float ? "AsSingle" : "AsDouble";
            for (int u = 0; u < stride - 1; u++)
            {
                writer.WriteLine($"var fromPhase{u} = {l.Width.Type}.{reinterpret}({l.Width.Type}.Create({lanesOf(i => (i % stride == u ? "-1" : "0") + suffix)}));");
            }
        }

        private static void WriteChannelTiles(IndentedWriter writer, Layout l, PhaseSet set, Tile tile, int vectors, int qw, bool split)
        {
            if (split)
            {
                // The caller's range of tiles: whole ones, and the narrower last one when the tile does not divide the channels.
                int full = l.OutputChannelsPerGroup / tile.Channels, rest = l.OutputChannelsPerGroup % tile.Channels;
                using (writer.Block("for (int t = tileFirst; t < tileEnd; t++)"))
                {
                    writer.WriteLine($"int m = {Code.Times("t", tile.Channels)};");
                    if (rest == 0)
                    {
                        WriteVectorTiles(writer, l, set, tile, vectors, qw);
                        return;
                    }

                    using (writer.Block($"if (t < {full})"))
                    {
                        WriteVectorTiles(writer, l, set, tile, vectors, qw);
                    }

                    using (writer.Block("else"))
                    {
                        WriteVectorTiles(writer, l, set, tile with { Channels = rest }, vectors, qw);
                    }
                }

                return;
            }

            if (l.IsBlocked)
            {
                // The block is a whole number of tiles (ConvTransposeTiling.ChannelBlock): no remainder tile.
                using (writer.Block($"for (int m = channelStart; m < channelStart + {l.ChannelBlock}; m += {tile.Channels})"))
                {
                    WriteVectorTiles(writer, l, set, tile, vectors, qw);
                }

                return;
            }

            TileLoop.Write(writer, "m", l.OutputChannelsPerGroup, tile.Channels,
                channels => WriteVectorTiles(writer, l, set, tile with { Channels = channels }, vectors, qw));
        }

        private static void WriteVectorTiles(IndentedWriter writer, Layout l, PhaseSet set, Tile tile, int vectors, int qw)
        {
            int first = 0;
            int wholeTiles = l.Flat ? 0 : qw / l.Lanes / tile.Vectors;
            if (wholeTiles > MaxUnrolledVectorTiles)
            {
                // Tiles whose every lane is an output column: one loop, its body a tile at lane offset vl.
                int step = tile.Vectors * l.Lanes;
                using (writer.Block($"for (int vl = 0; vl < {wholeTiles * step}; vl += {step})"))
                {
                    WriteTile(writer, l, set, tile.Rows, tile.Channels, 0, tile.Vectors, qw, laneLoop: "vl");
                }

                first = wholeTiles * tile.Vectors;
            }

            for (; first < vectors; first += tile.Vectors)
            {
                using (writer.Block())
                {
                    WriteTile(writer, l, set, tile.Rows, tile.Channels, first, Math.Min(tile.Vectors, vectors - first), qw, laneLoop: null);
                }
            }
        }

        /// <summary>
        /// channels x rows x vectors (x column phases) accumulators start from the bias; for every input channel of the
        /// group and every tap of each phase, each row of the tile loads its input vectors once and every channel adds
        /// them times one weight.
        /// </summary>
        /// <param name="laneLoop">The loop variable adding its lane offset to every column, for tiles inside a loop; null for a tile at a constant place.</param>
        private static void WriteTile(IndentedWriter writer, Layout l, PhaseSet set, int rows, int channels, int firstVector, int vectors, int qw, string? laneLoop)
        {
            VectorWidth v = l.Width;
            int rh = set.Rh;
            string Acc(int c, int r, int j, int p) => $"c{c}_{r}_{j}_{p}";
            for (int c = 0; c < channels; c++)
            {
                string start = l.HasBias ? v.Broadcast($"bias[g * {l.OutputChannelsPerGroup} + m + {c}]") : $"{v.Type}<{l.Element}>.Zero";
                var names = from r in Enumerable.Range(0, rows) from j in Enumerable.Range(0, vectors) from p in Enumerable.Range(0, set.Rws.Length) select $"{Acc(c, r, j, p)} = {start}";
                writer.WriteLine($"{v.Type}<{l.Element}> {string.Join(", ", names)};");
            }

            string inputOffset = $"inputPhase + g * {l.InputChannelsPerGroup * l.ChannelStride} + {Code.Times("qh", l.PaddedWidth)} + {(laneLoop is null ? Literals.Int(firstVector * l.Lanes) : Code.Affine(laneLoop, 1, firstVector * l.Lanes))}";
            string weightOffset = $"weightPhase + (g * {l.InputChannelsPerGroup * l.OutputChannelsPerGroup} + m) * {l.KernelTaps}";
            writer.WriteLine(Code.Derive(l.Element, "xk", "xStart", inputOffset));
            writer.WriteLine(Code.Derive(l.Element, "wk", "weightStart", weightOffset));
            int depthTaps = l.Depth.Taps(set.Rd);
            // Input channel j's reads and weights through references moved on per channel, so that every load below is at
            // a constant offset from one of them (an int offset costs an add and a sign extension per load).
            ChannelLoop.Write(writer, l.Element, "j", l.InputChannelsPerGroup, new[] { ("xj", "xk", l.ChannelStride), ("wj", "wk", l.ChannelWeights) }, () =>
            {
                IDisposable? depthLoop = null;
                int mostPlaneTaps = set.Rws.Max(rw => l.Rows.Taps(rh) * l.Columns.Taps(rw));
                bool loopDepth = depthTaps > 1 && depthTaps * mostPlaneTaps > MaxUnrolledTaps;
                if (loopDepth)
                {
                    // More taps than are written out: the depth taps loop, each plane's taps inside as for a 2-D layer.
                    // (A loop over two depth taps of 4 plane taps made the 3-D GAN layer 1.26 -> 1.63 ms.)
                    writer.WriteLine($"// depth taps [depth + {l.Depth.TapStep}*md]: input plane q - {Back(l.Depth.Back(set.Rd), l.Depth.InputStep, "md")}");
                    depthLoop = writer.Block($"for (int md = 0; md < {depthTaps}; md++)");
                    writer.WriteLine($"int depthInput = {Code.Times("md", l.Depth.InputStep * l.PaddedPlane)};");
                    writer.WriteLine($"int depthWeight = {Code.Times("md", l.Depth.TapStep * l.PlaneTaps)};");
                }

                for (int md = 0; md < (loopDepth ? 1 : depthTaps); md++)
                {
                    for (int p = 0; p < set.Rws.Length; p++)
                    {
                        WritePlaneTaps(writer, l, set, p, rows, channels, vectors, Acc, loopDepth ? DepthTap.Looped(l, set) : DepthTap.Constant(l, set, md));
                    }
                }

                depthLoop?.Dispose();
            });

            if (!l.Activation.IsNone && ActivationWriter.IsFusedInRegisters(l.Activation))
            {
                writer.WriteLine($"// {l.Activation.Kind} in registers: every sum of the tile is complete.");
                foreach (string accumulator in from c in Enumerable.Range(0, channels) from r in Enumerable.Range(0, rows)
                                               from j in Enumerable.Range(0, vectors) from p in Enumerable.Range(0, set.Rws.Length) select Acc(c, r, j, p))
                {
                    writer.WriteLine($"{accumulator} = {ActivationWriter.Apply(l.Activation, accumulator)};");
                }
            }

            if (l.Flat)
            {
                for (int c = 0; c < channels; c++)
                {
                    WriteFlatStores(writer, l, set, c, (p, j) => Acc(c, 0, j, p), firstVector, vectors);
                }

                return;
            }

            for (int c = 0; c < channels; c++)
            {
                for (int r = 0; r < rows; r++)
                {
                    writer.WriteLine($"int row{c}_{r} = outputPhase + (g * {l.OutputChannelsPerGroup} + m + {c}) * {l.OutputVolume} + {Code.Affine("qh", l.Rows.Stride * l.Columns.Output, r * l.Rows.Stride * l.Columns.Output)};");
                    for (int j = 0; j < vectors; j++)
                    {
                        int firstIndex = (firstVector + j) * l.Lanes;
                        if (set.Interleaved)
                        {
                            WriteInterleavedStores(writer, l, set, $"row{c}_{r}", p => Acc(c, r, j, p), firstIndex, qw, laneLoop);
                        }
                        else
                        {
                            WriteStore(writer, l, $"row{c}_{r}", Acc(c, r, j, 0), new Column(laneLoop, l.Columns.Stride, firstIndex * l.Columns.Stride), Math.Min(l.Lanes, qw - firstIndex), l.Columns.Stride);
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The taps of one plane of the window (one depth tap) for column phase <paramref name="p"/>: written out one by
        /// one, or in loops when there are more than <see cref="MaxUnrolledTaps"/>.
        /// </summary>
        private static void WritePlaneTaps(IndentedWriter writer, Layout l, PhaseSet set, int p, int rows, int channels, int vectors,
            Func<int, int, int, int, string> accumulator, DepthTap depth)
        {
            int rh = set.Rh, rw = set.Rws[p];
            if (l.Rows.Taps(rh) * l.Columns.Taps(rw) > MaxUnrolledTaps)
            {
                WriteTapLoops(writer, l, set, p, rows, channels, vectors, accumulator, depth);
                return;
            }

            for (int mh = 0; mh < l.Rows.Taps(rh); mh++)
            {
                for (int mw = 0; mw < l.Columns.Taps(rw); mw++)
                {
                    int tap = (l.Rows.TapStep * mh * l.Columns.Kernel) + set.ColumnTap(l, p) + (l.Columns.TapStep * mw);
                    // How far back this tap reads, from the phase's q: in the body, not in the phase's argument,
                    // so that every reference stays inside the padded input.
                    int backRows = l.Rows.Back(rh) + (l.Rows.InputStep * mh), backColumns = l.Columns.Back(rw) + (l.Columns.InputStep * mw);
                    writer.WriteLine($"// tap [{depth.TapName}row + {l.Rows.TapStep * mh}, {set.ColumnName(l, p)} + {l.Columns.TapStep * mw}]: input {depth.InputName}row q - {backRows}, column q - {backColumns}");
                    using var tapScope = writer.Block();
                    WriteTapProducts(writer, l, set, p, rows, channels, vectors, accumulator,
                        load: offset => Literals.Int(offset - (depth.Back * l.PaddedPlane) - (backRows * l.PaddedWidth) - (backColumns * l.ColumnStep)) + depth.InputTerm,
                        weight: c => Sum((c * l.KernelTaps) + depth.Weight + tap, depth.WeightTerm));
                }
            }
        }

        /// <summary><paramref name="constant"/> followed by <paramref name="terms"/> (" + x - y"), without a leading "0 + ".</summary>
        private static string Sum(int constant, string terms) =>
            constant == 0 && terms.StartsWith(" + ", StringComparison.Ordinal) ? terms.Substring(3) : Literals.Int(constant) + terms;

        private static string Back(int first, int step, string tap) => (first == 0 ? string.Empty : $"{first} - ") + (step == 1 ? tap : $"{step}*{tap}");

        /// <summary>
        /// A window too large to write out tap by tap: loops over the phase's taps, each adding the tile's input vectors
        /// times one weight per channel, with the tap's offsets computed once per tap.
        /// </summary>
        private static void WriteTapLoops(IndentedWriter writer, Layout l, PhaseSet set, int p, int rows, int channels, int vectors,
            Func<int, int, int, int, string> accumulator, DepthTap depth)
        {
            int rh = set.Rh, rw = set.Rws[p];
            int firstTap = set.ColumnTap(l, p);
            int backRows = l.Rows.Back(rh), backColumns = l.Columns.Back(rw);
            writer.WriteLine($"// taps [{depth.TapName}row + {l.Rows.TapStep}*mh, {set.ColumnName(l, p)} + {l.Columns.TapStep}*mw]: input {depth.InputName}row q - {Back(backRows, l.Rows.InputStep, "mh")}, column q - {Back(backColumns, l.Columns.InputStep, "mw")}");
            using (writer.Block($"for (int mh = 0; mh < {l.Rows.Taps(rh)}; mh++)"))
            using (writer.Block($"for (int mw = 0; mw < {l.Columns.Taps(rw)}; mw++)"))
            {
                writer.WriteLine($"int tapInput = {Code.Times("mh", l.Rows.InputStep * l.PaddedWidth)} + {Code.Times("mw", l.Columns.InputStep * l.ColumnStep)};");
                writer.WriteLine($"int tapWeight = {Code.Times("mh", l.Rows.TapStep * l.Columns.Kernel)} + {Code.Times("mw", l.Columns.TapStep)};");
                WriteTapProducts(writer, l, set, p, rows, channels, vectors, accumulator,
                    load: offset => $"{Literals.Int(offset - (depth.Back * l.PaddedPlane) - (backRows * l.PaddedWidth) - (backColumns * l.ColumnStep))}{depth.InputTerm} - tapInput",
                    weight: c => Sum((c * l.KernelTaps) + depth.Weight + firstTap, $"{depth.WeightTerm} + tapWeight"));
            }
        }

        /// <summary>
        /// Which depth tap of the phase a plane of taps belongs to: a constant one (its planes back from q and its first
        /// weight), or the loop variable <c>md</c>, whose steps the terms <c>depthInput</c> and <c>depthWeight</c> hold.
        /// A 1-D or 2-D layer has one depth tap that reads its own plane, and nothing of it is written.
        /// </summary>
        private readonly record struct DepthTap(int Back, int Weight, string TapName, string InputName, string InputTerm, string WeightTerm)
        {
            public static DepthTap Constant(Layout l, PhaseSet set, int md)
            {
                int back = l.Depth.Back(set.Rd) + (l.Depth.InputStep * md);
                return l.SpatialRank < 3
                    ? new DepthTap(back, 0, string.Empty, string.Empty, string.Empty, string.Empty)
                    : new DepthTap(back, l.Depth.TapStep * md * l.PlaneTaps, $"depth + {l.Depth.TapStep * md}, ", $"plane q - {back}, ", string.Empty, string.Empty);
            }

            public static DepthTap Looped(Layout l, PhaseSet set) =>
                new(l.Depth.Back(set.Rd), 0, $"depth + {l.Depth.TapStep}*md, ", $"plane q - {ConvTransposePhaseEmitter.Back(l.Depth.Back(set.Rd), l.Depth.InputStep, "md")}, ", " - depthInput", " + depthWeight");
        }

        /// <summary>
        /// One tap of one column phase: each row of the tile loads its input vectors once (at <paramref name="load"/>
        /// of the tap-free offset), and every channel adds them times its weight (at <paramref name="weight"/> of the channel).
        /// </summary>
        private static void WriteTapProducts(IndentedWriter writer, Layout l, PhaseSet set, int p, int rows, int channels, int vectors,
            Func<int, int, int, int, string> accumulator, Func<int, string> load, Func<int, string> weight)
        {
            VectorWidth v = l.Width;
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    // A column of a tap's offset is one element, or with shifted copies one copy (see ConvTransposePhaseLayout.ColumnCopies).
                    int offset = (l.Depth.PadBefore * l.PaddedPlane) + ((r + l.Rows.PadBefore) * l.PaddedWidth) + (j * l.Lanes) + ((l.Columns.PadBefore + set.ColumnFirstQ(l, p) - l.FirstColumnOffset) * l.ColumnStep);
                    writer.WriteLine($"var b{r}_{j} = {v.Load("xj", load(offset))};");
                }
            }

            for (int c = 0; c < channels; c++)
            {
                writer.WriteLine($"var a{c} = {v.Broadcast(Code.At("wj", weight(c)))};");
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < vectors; j++)
                    {
                        writer.WriteLine($"{accumulator(c, r, j, p)} = {v.Fma($"a{c}", $"b{r}_{j}", accumulator(c, r, j, p))};");
                    }
                }
            }
        }

        /// <summary>
        /// Flat form: the tile's vectors of one channel go to the stack (zipped first when the column phases are
        /// interleaved), then each output row takes its valid lanes: one copy of consecutive columns when interleaved,
        /// lane by lane at the column stride otherwise. The padding columns between rows are dropped here.
        /// </summary>
        /// <param name="accumulator">The accumulator of channel <paramref name="c"/> for (column phase, vector).</param>
        private static void WriteFlatStores(IndentedWriter writer, Layout l, PhaseSet set, int c, Func<int, int, string> accumulator, int firstVector, int vectors)
        {
            int stride = l.Columns.Stride, rh = set.Rh, count = l.Columns.Count(set.Rws[0]);
            for (int j = 0; j < vectors; j++)
            {
                if (set.Interleaved)
                {
                    for (int t = 0; t < stride; t++)
                    {
                        writer.WriteLine(l.Width.Store(Zipped(l, u => accumulator(u, j), t), "lanesStart", Literals.Int(((j * stride) + t) * l.Lanes)));
                    }
                }
                else
                {
                    writer.WriteLine(l.Width.Store(accumulator(0, j), "lanesStart", Literals.Int(j * l.Lanes)));
                }
            }

            writer.WriteLine($"int channel{c} = outputPhase + {Code.Times($"(g * {l.OutputChannelsPerGroup} + m + {c})", l.OutputVolume)};");
            int first = firstVector * l.Lanes, end = (firstVector + vectors) * l.Lanes;
            for (int q = 0; q < l.Rows.Count(rh); q++)
            {
                // Lanes [first, end) of the flat row hold columns [from, to) of phase row q.
                int rowStart = q * l.PaddedWidth;
                int from = Math.Max(0, first - rowStart), to = Math.Min(count, end - rowStart);
                if (from >= to)
                {
                    continue;
                }

                int outputRow = q * l.Rows.Stride * l.Columns.Output;
                if (set.Interleaved)
                {
                    string target = $"channel{c} + {outputRow + l.Columns.OutputPosition(set.Rws[0], from)}";
                    writer.WriteLine(Code.CopyElements(l.Element, "outputStart", target, "lanesStart", Literals.Int(stride * (rowStart + from - first)), stride * (to - from)));
                }
                else
                {
                    string target = Code.At("outputStart", $"channel{c} + {Code.Affine("lane", stride, outputRow)}");
                    string source = Code.At("lanesStart", Code.Affine("lane", 1, rowStart - first));
                    writer.WriteLine($"for (int lane = {from}; lane < {to}; lane++) {target} = {source};");
                }
            }
        }

        /// <summary>Output vector <paramref name="t"/> of the stride column phases zipped: lane i from phase i mod stride.</summary>
        private static string Zipped(Layout l, Func<int, string> accumulator, int t)
        {
            int stride = l.Columns.Stride;
            var spread = Enumerable.Range(0, l.Lanes).Select(i => ((t * l.Lanes) + i) / stride).ToArray();
            string value = l.Width.ConstantShuffle(accumulator(stride - 1), spread, l.ElementType);
            for (int u = stride - 2; u >= 0; u--)
            {
                value = $"{l.Width.Type}.ConditionalSelect(fromPhase{u}, {l.Width.ConstantShuffle(accumulator(u), spread, l.ElementType)}, {value})";
            }

            return value;
        }

        /// <summary>The stride column phases of one block, zipped into stride output vectors of consecutive columns.</summary>
        private static void WriteInterleavedStores(IndentedWriter writer, Layout l, PhaseSet set, string row, Func<int, string> accumulator, int firstIndex, int qw, string? laneLoop)
        {
            int stride = l.Columns.Stride;
            for (int t = 0; t < stride; t++)
            {
                int column = (firstIndex * stride) + (t * l.Lanes);
                int valid = Math.Min(l.Lanes, (qw * stride) - column);
                if (valid <= 0)
                {
                    continue;
                }

                WriteStore(writer, l, row, Zipped(l, accumulator, t), new Column(laneLoop, stride, column), valid, 1);
            }
        }

        /// <summary>Stores <paramref name="count"/> lanes at columns <c>column, column + step, ...</c> of an output row: a whole vector when they are consecutive.</summary>
        private static void WriteStore(IndentedWriter writer, Layout l, string row, string value, Column column, int count, int step)
        {
            if (step == 1 && count == l.Lanes)
            {
                writer.WriteLine(l.Width.Store(value, "outputStart", $"{row} + {column}"));
                return;
            }

            writer.WriteLine(l.Width.Store(value, "lanesStart", "0"));
            if (step == 1)
            {
                writer.WriteLine($"lanes.Slice(0, {count}).CopyTo(output.Slice({row} + {column}, {count}));");
                return;
            }

            string target = column.Loop is null ? Code.Affine("lane", step, column.Constant) : $"{column} + {Code.Times("lane", step)}";
            writer.WriteLine($"for (int lane = 0; lane < {count}; lane++) {Code.At("outputStart", $"{row} + {target}")} = {Code.At("lanesStart", "lane")};");
        }

        /// <summary>
        /// An output column: a constant, or, for a tile inside the loop over a row's vector tiles, the loop's lane offset
        /// times the column stride plus a constant.
        /// </summary>
        private readonly record struct Column(string? Loop, int Scale, int Constant)
        {
            public override string ToString() => Loop is null ? Literals.Int(Constant) : Code.Affine(Loop, Scale, Constant);
        }

        /// <summary>A phase method: its name, its body, and the phase sets that call it.</summary>
        private sealed class PhaseMethod
        {
            public PhaseMethod(string name, string body)
            {
                Name = name;
                Body = body;
            }

            public string Name { get; }

            /// <summary>The method's text from its opening brace, written relative to the phase's start.</summary>
            public string Body { get; }

            public List<PhaseSet> Sets { get; } = new();
        }
    }
}
