using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>
    /// The vector form of a 2-D transposed convolution (and of a 1-D one, as a single row), of any dilation: for each
    /// stride phase (see <see cref="ConvTransposePhases"/>), a dense correlation computed like a matrix product, with a tile of output
    /// channels x output rows x vectors of output columns held in registers over the whole reduction (input channels
    /// times the phase's taps). The input is copied once into a zero-padded buffer so that every vector load is in
    /// bounds and no tap needs a border test.
    /// </summary>
    internal static class ConvTransposePhaseEmitter
    {
        /// <summary>
        /// Accumulators of a tile at most, but for the wide tiles below: with 16 registers the rest hold loads and
        /// broadcasts. A width that may lack FMA holds fewer (<see cref="VectorWidth.TileAccumulators"/>).
        /// </summary>
        private const int MaxAccumulators = 12;

        /// <summary>Accumulators of a row-form tile with 32 registers (AVX-512).</summary>
        private const int WideRowAccumulators = 16;

        /// <summary>Accumulators of a flat-form tile with 32 registers (AVX-512).</summary>
        private const int WideFlatAccumulators = 24;

        /// <summary>Products per output (input channels of a group times taps) up to which column phases are interleaved.</summary>
        private const int InterleaveMaxProducts = 64;

        /// <summary>
        /// Whole vector tiles of a row written out one after another; a longer row loops over its whole tiles, so the
        /// generated source does not grow with the width.
        /// </summary>
        private const int MaxUnrolledVectorTiles = 4;

        /// <summary>Taps of a phase written out one by one; a larger window loops over its taps.</summary>
        private const int MaxUnrolledTaps = 16;

        /// <summary>The longest flat row, in vectors, that the flat form writes out (its stores are per output row).</summary>
        private const int MaxFlatVectors = 16;

        /// <summary>
        /// Weights of one block of output channels, at most: a quarter of this machine's 1 MiB L2, so that they stay
        /// there, with the input and the outputs, while every phase reads them (see <see cref="ChooseChannelBlock"/>).
        /// </summary>
        private const int WeightBlockBytes = 256 * 1024;

        public static bool Applies(KernelSignature signature, ConvTransposeSpec spec)
        {
            (signature, spec) = AsPlanes(signature, spec);
            return signature.SpatialRank == 2;
        }

        /// <summary>
        /// A 1-D transposed convolution is the 2-D one of a single row: <c>[C, L]</c> is <c>[C, 1, L]</c> in memory,
        /// the weight <c>[C_in, C_out/groups, k]</c> is <c>[C_in, C_out/groups, 1, k]</c>, and the new axis has kernel,
        /// stride and dilation 1 and no padding. So a 1-D layer takes the 2-D forms unchanged, one output row per plane.
        /// </summary>
        private static (KernelSignature Signature, ConvTransposeSpec Spec) AsPlanes(KernelSignature signature, ConvTransposeSpec spec)
        {
            if (signature.SpatialRank != 1)
            {
                return (signature, spec);
            }

            static EquatableArray<int> Row(EquatableArray<int> shape) => new(new[] { shape[0], 1, shape[1] });
            static EquatableArray<int> WithRowAxis(int row, EquatableArray<int> values) => new(new[] { row, values[0] });
            return (signature with { InputShape = Row(signature.InputShape), OutputShape = Row(signature.OutputShape) },
                spec with
                {
                    Kernel = WithRowAxis(1, spec.Kernel),
                    Stride = WithRowAxis(1, spec.Stride),
                    Pad = WithRowAxis(0, spec.Pad),
                    OutputPadding = WithRowAxis(0, spec.OutputPadding),
                    Dilation = WithRowAxis(1, spec.Dilation),
                });
        }

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

            (signature, spec) = AsPlanes(signature, spec);
            return VectorWidth.All.OrderBy(width => new Layout(signature, spec, width).VectorProducts).ThenBy(width => width.Bytes).ToArray();
        }

        public static void WriteMethods(IndentedWriter writer, KernelSignature signature, ConvTransposeSpec spec)
        {
            if (signature.SpatialRank == 1)
            {
                writer.WriteLine("// The vector form treats this 1-D layer as a 2-D one of a single row ([C, L] as [C, 1, L], k as 1 x k).");
            }

            (signature, spec) = AsPlanes(signature, spec);
            foreach (VectorWidth width in VectorWidth.All)
            {
                FiniteWeights.WriteCheck(writer, signature, width);
                var layout = new Layout(signature, spec, width);
                List<PhaseMethod> methods = PhaseMethods(writer, layout);
                writer.WriteLine();
                writer.WriteLine("#if NET9_0_OR_GREATER");
                WriteEntry(writer, layout, methods);
                foreach (PhaseMethod method in methods)
                {
                    writer.WriteLine();
                    WritePhaseMethod(writer, layout, method);
                }

                writer.WriteLine("#endif");
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
        private static List<PhaseMethod> PhaseMethods(IndentedWriter writer, Layout l)
        {
            var methods = new List<PhaseMethod>();
            foreach (PhaseSet set in l.PhaseSets)
            {
                string body = writer.Capture(w =>
                {
                    using (w.Block())
                    {
                        WritePhaseBody(w, l, set);
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
                writer.WriteLine($"{method.Name}({Arguments(l, input)}, inputPhase: {l.InputOrigin(set)}, weightPhase: {l.WeightOrigin(set)}, outputPhase: {l.OutputOrigin(set)}{channelStart}); // phase {set.Describe()}");
            }

            blocks?.Dispose();
        }

        private static void WriteEntry(IndentedWriter writer, Layout l, List<PhaseMethod> methods)
        {
            writer.WriteLine($"/// <summary>One sample with {l.Width.Name}: {l.PhaseSets.Count} set(s) of stride phases, each a register-tiled product over the zero-padded input.</summary>");
            using (writer.Block($"private static void {l.Method}_{l.Width.Name}({Parameters(l, "input")})"))
            {
                if (l.HasEmptyPhases)
                {
                    writer.WriteLine("// Some phases have no kernel tap: their outputs hold only the bias.");
                    using (writer.Block($"for (int co = 0; co < {l.OutputChannels}; co++)"))
                    {
                        writer.WriteLine($"output.Slice({Code.Times("co", l.OutputPlane)}, {l.OutputPlane}).Fill({ActivationWriter.Apply(l.Activation, l.HasBias ? "bias[co]" : Literals.Real(0, l.ElementType))});");
                    }
                }

                if (!l.NeedsPadding)
                {
                    writer.WriteLine("// Every tap of every phase reads inside the input: no padded copy is needed.");
                    WritePhaseCalls(writer, l, methods, "input");

                    return;
                }

                writer.WriteLine($"// The input, zero-padded to [{l.InputChannels}, {l.PaddedHeight}, {l.PaddedWidth}] ({l.Rows.PadBefore} before each axis), in a pooled buffer: no allocation once the pool holds one.");
                writer.WriteLine($"{l.Element}[] rented = global::System.Buffers.ArrayPool<{l.Element}>.Shared.Rent({l.PaddedLength});");
                using (writer.Block("try"))
                {
                    writer.WriteLine($"global::System.Span<{l.Element}> padded = global::System.MemoryExtensions.AsSpan(rented, 0, {l.PaddedLength});");
                    writer.WriteLine("padded.Clear();");
                    writer.WriteLine(Code.StartRef(l.Element, "input"));
                    writer.WriteLine(Code.StartRef(l.Element, "padded"));
                    writer.WriteLine($"// Rows are short: a copy of constant size, which the JIT turns into a few vector moves.");
                    using (writer.Block($"for (int c = 0; c < {l.InputChannels}; c++)"))
                    {
                        using (writer.Block($"for (int row = 0; row < {l.Rows.Input}; row++)"))
                        {
                            string target = $"{Code.Times("c", l.PaddedPlane)} + {Code.Times($"(row + {l.Rows.PadBefore})", l.PaddedWidth)} + {l.Columns.PadBefore}";
                            string source = $"{Code.Times("c", l.InputPlane)} + {Code.Times("row", l.Columns.Input)}";
                            writer.WriteLine(Code.CopyElements(l.Element, "paddedStart", target, "inputStart", source, l.Columns.Input));
                        }
                    }

                    WritePhaseCalls(writer, l, methods, "padded");
                }

                using (writer.Block("finally"))
                {
                    writer.WriteLine($"global::System.Buffers.ArrayPool<{l.Element}>.Shared.Return(rented);");
                }
            }
        }

        private static void WritePhaseMethod(IndentedWriter writer, Layout l, PhaseMethod method)
        {
            PhaseSet set = method.Sets[0];
            int rh = set.Rh, qh = l.Rows.Count(rh), qw = l.Columns.Count(set.Rws[0]);
            Tile tile = l.Flat ? FlatTile(l, set) : RowTile(l, set, qh, qw);
            string interleaved = set.Interleaved ? $", all {l.Columns.Stride} column phases together, interleaved in registers" : string.Empty;
            string form = l.Flat
                ? $"each phase one flat row of {l.FlatLength(rh, set.Rws[0], l.PaddedWidth)} lanes ({l.Width.Name}) over the padded width {l.PaddedWidth}; tiles of {tile.Channels} channels x {tile.Vectors} vectors"
                : $"tiles of {tile.Channels} channels x {tile.Rows} rows x {tile.Vectors} vectors";
            string phases = string.Join(", ", method.Sets.Select(s => s.Describe()));
            string block = l.IsBlocked ? $" Output channels channelStart to channelStart + {l.ChannelBlock - 1} of each group." : string.Empty;
            writer.WriteLine($"/// <summary>Stride phase(s) {phases} (row, column): {qh} output rows and {qw} columns each (rows {l.Rows.Stride}*q + row - {l.Rows.Pad}, columns {l.Columns.Stride}*q + column - {l.Columns.Pad}){interleaved}; {form}. The arguments place one phase: its first read in the padded input, its first tap in each channel's weights, its first output.{block}</summary>");
            writer.WriteLine($"private static void {method.Name}({Parameters(l, "x")}, int inputPhase, int weightPhase, int outputPhase{(l.IsBlocked ? ", int channelStart" : string.Empty)})");
            writer.WriteCaptured(method.Body);
        }

        /// <summary>The body of a phase method, written relative to the phase's start (see <see cref="PhaseMethods"/>).</summary>
        private static void WritePhaseBody(IndentedWriter writer, Layout l, PhaseSet set)
        {
            int rh = set.Rh, qh = l.Rows.Count(rh), qw = l.Columns.Count(set.Rws[0]);
            Tile tile = l.Flat ? FlatTile(l, set) : RowTile(l, set, qh, qw);
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

            var groupScope = l.Groups == 1 ? (IDisposable?)null : writer.Block($"for (int g = 0; g < {l.Groups}; g++)");
            if (l.Groups == 1)
            {
                writer.WriteLine("const int g = 0;");
            }

            if (l.Flat)
            {
                writer.WriteLine("const int qh = 0;");
                WriteChannelTiles(writer, l, set, tile, vectors: l.VectorsFor(l.FlatLength(rh, set.Rws[0], l.PaddedWidth)), qw);
            }
            else
            {
                int vectors = l.VectorsFor(qw);
                TileLoop.Write(writer, "qh", qh, tile.Rows, rows => WriteChannelTiles(writer, l, set, tile with { Rows = rows }, vectors, qw));
            }

            groupScope?.Dispose();
        }

        /// <summary>
        /// Row form: up to four channels, then as many vectors of a row (at most three) and rows as registers allow; when
        /// that takes every row of the phase and leaves registers over, more channels instead (below).
        /// With 32 registers (AVX-512) a tile of several channels holds 16 accumulators: measured here,
        /// U-Net 64->32 went from 188 to 100 us and DCGAN stayed level; with one channel per group each loaded vector
        /// feeds a single accumulator, and 16 made the depthwise layer 20% slower than 12.
        /// </summary>
        private static Tile RowTile(Layout l, PhaseSet set, int qh, int qw)
        {
            int channels = Math.Min(4, l.OutputChannelsPerGroup);
            int accumulators = l.Width.Registers >= 32 && channels > 1 ? WideRowAccumulators : Math.Min(MaxAccumulators, l.Width.TileAccumulators);
            int perRowVector = channels * set.Rws.Length;
            int vectors = Math.Min(Math.Min(3, l.VectorsFor(qw)), Math.Max(1, accumulators / perRowVector));
            int rows = Math.Max(1, Math.Min(qh, accumulators / (perRowVector * vectors)));
            if (rows < qh || l.OutputChannelsPerGroup <= channels)
            {
                return new Tile(channels, rows, vectors);
            }

            // Every row of the phase fits in one tile (a 1-D layer has one): the registers rows would have taken go to
            // more channels, a number that divides them, and as many vectors as then fit; of equal products, the
            // squarer tile, which loads fewer vectors and broadcasts per multiply-add.
            return (from v in Enumerable.Range(1, Math.Min(3, l.VectorsFor(qw)))
                    from c in Enumerable.Range(channels, l.OutputChannelsPerGroup - channels + 1)
                    where l.OutputChannelsPerGroup % c == 0 && c * v * rows * set.Rws.Length <= accumulators
                    orderby c * v descending, c + v
                    select new Tile(c, rows, v)).DefaultIfEmpty(new Tile(channels, rows, vectors)).First();
        }

        /// <summary>Flat form: up to four vectors of the flat row, and as many channels as registers allow.</summary>
        private static Tile FlatTile(Layout l, PhaseSet set)
        {
            int vectors = Math.Min(4, l.VectorsFor(l.FlatLength(set.Rh, set.Rws[0], l.PaddedWidth)));
            int accumulators = l.Width.Registers >= 32 ? WideFlatAccumulators : Math.Min(MaxAccumulators, l.Width.TileAccumulators);
            int most = Math.Max(1, Math.Min(l.OutputChannelsPerGroup, accumulators / (vectors * set.Rws.Length)));

            // A last tile of fewer channels reuses each loaded vector less: take a count that divides the channels
            // when one is at least half the most (measured on 32->16 at 7x7: 2 channels x 8 vectors 3.4 us, 3 x 8 3.9 us).
            int even = Enumerable.Range(1, most).Last(c => l.OutputChannelsPerGroup % c == 0);
            return new Tile(even * 2 >= most ? even : most, 1, vectors);
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

        private static void WriteChannelTiles(IndentedWriter writer, Layout l, PhaseSet set, Tile tile, int vectors, int qw)
        {
            if (l.IsBlocked)
            {
                // The block is a whole number of tiles (ChooseChannelBlock): no remainder tile.
                using (writer.Block($"for (int m = channelStart; m < channelStart + {l.ChannelBlock}; m += {tile.Channels})"))
                {
                    WriteVectorTiles(writer, l, set, tile, vectors, qw);
                }

                return;
            }

            TileLoop.Write(writer, "m", l.OutputChannelsPerGroup, tile.Channels,
                channels => WriteVectorTiles(writer, l, set, tile with { Channels = channels }, vectors, qw));
        }

        /// <summary>
        /// Output channels per block, when all the weights of a group do not fit in <see cref="WeightBlockBytes"/>: every
        /// phase then runs over one block before the next starts, so each weight is fetched from memory once and read
        /// from L2 by the other phases, rather than fetched again by each phase (a phase reads a few taps of every
        /// channel's weights, spread over all their cache lines). The block divides the channels and is a whole number
        /// of every phase's tiles; the largest that fits, else the smallest there is. Without such a block, or when the
        /// weights fit, it is all the channels of a group: no blocking.
        /// </summary>
        private static int ChooseChannelBlock(Layout l)
        {
            int channels = l.OutputChannelsPerGroup;
            long channelBytes = l.OutputChannelWeightBytes;
            if (l.Flat || channelBytes * channels <= WeightBlockBytes)
            {
                return channels;
            }

            int unit = l.PhaseSets.Select(set => RowTile(l, set, l.Rows.Count(set.Rh), l.Columns.Count(set.Rws[0])).Channels).Aggregate(1, LeastCommonMultiple);
            int[] blocks = Enumerable.Range(1, channels - 1).Where(b => channels % b == 0 && b % unit == 0).ToArray();
            return blocks.Length == 0 ? channels
                : blocks.Where(b => channelBytes * b <= WeightBlockBytes).DefaultIfEmpty(blocks[0]).Max();
        }

        private static int LeastCommonMultiple(int a, int b)
        {
            int x = a, y = b;
            while (y != 0)
            {
                (x, y) = (y, x % y);
            }

            return a / x * b;
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

            string inputOffset = $"inputPhase + g * {l.InputChannelsPerGroup * l.PaddedPlane} + {Code.Times("qh", l.PaddedWidth)} + {(laneLoop is null ? Literals.Int(firstVector * l.Lanes) : Code.Affine(laneLoop, 1, firstVector * l.Lanes))}";
            string weightOffset = $"weightPhase + (g * {l.InputChannelsPerGroup * l.OutputChannelsPerGroup} + m) * {l.KernelTaps}";
            writer.WriteLine(Code.Derive(l.Element, "xk", "xStart", inputOffset));
            writer.WriteLine(Code.Derive(l.Element, "wk", "weightStart", weightOffset));
            using (writer.Block($"for (int j = 0; j < {l.InputChannelsPerGroup}; j++)"))
            {
                for (int p = 0; p < set.Rws.Length; p++)
                {
                    int rw = set.Rws[p];
                    if (l.Rows.Taps(rh) * l.Columns.Taps(rw) > MaxUnrolledTaps)
                    {
                        WriteTapLoops(writer, l, set, p, rows, channels, vectors, Acc);
                        continue;
                    }

                    for (int mh = 0; mh < l.Rows.Taps(rh); mh++)
                    {
                        for (int mw = 0; mw < l.Columns.Taps(rw); mw++)
                        {
                            int tap = (l.Rows.TapStep * mh * l.Columns.Kernel) + set.ColumnTap(l, p) + (l.Columns.TapStep * mw);
                            // How far back this tap reads, from the phase's q: in the body, not in the phase's argument,
                            // so that every reference stays inside the padded input.
                            int backRows = l.Rows.Back(rh) + (l.Rows.InputStep * mh), backColumns = l.Columns.Back(rw) + (l.Columns.InputStep * mw);
                            writer.WriteLine($"// tap [row + {l.Rows.TapStep * mh}, {set.ColumnName(l, p)} + {l.Columns.TapStep * mw}]: input row q - {backRows}, column q - {backColumns}");
                            using var tapScope = writer.Block();
                            WriteTapProducts(writer, l, set, p, rows, channels, vectors, Acc,
                                load: offset => Code.Affine("j", l.PaddedPlane, offset - (backRows * l.PaddedWidth) - backColumns), weight: c => Code.Affine("j", l.ChannelWeights, (c * l.KernelTaps) + tap));
                        }
                    }
                }
            }

            if (!l.Activation.IsNone)
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
                    writer.WriteLine($"int row{c}_{r} = outputPhase + (g * {l.OutputChannelsPerGroup} + m + {c}) * {l.OutputPlane} + {Code.Affine("qh", l.Rows.Stride * l.Columns.Output, r * l.Rows.Stride * l.Columns.Output)};");
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
        /// A window too large to write out tap by tap: loops over the phase's taps, each adding the tile's input vectors
        /// times one weight per channel, with the tap's offsets computed once per tap.
        /// </summary>
        private static void WriteTapLoops(IndentedWriter writer, Layout l, PhaseSet set, int p, int rows, int channels, int vectors, Func<int, int, int, int, string> accumulator)
        {
            int rh = set.Rh, rw = set.Rws[p];
            int firstTap = set.ColumnTap(l, p);
            int backRows = l.Rows.Back(rh), backColumns = l.Columns.Back(rw);
            static string Back(int first, int step, string tap) => (first == 0 ? string.Empty : $"{first} - ") + (step == 1 ? tap : $"{step}*{tap}");
            writer.WriteLine($"// taps [row + {l.Rows.TapStep}*mh, {set.ColumnName(l, p)} + {l.Columns.TapStep}*mw]: input row q - {Back(backRows, l.Rows.InputStep, "mh")}, column q - {Back(backColumns, l.Columns.InputStep, "mw")}");
            using (writer.Block($"for (int mh = 0; mh < {l.Rows.Taps(rh)}; mh++)"))
            using (writer.Block($"for (int mw = 0; mw < {l.Columns.Taps(rw)}; mw++)"))
            {
                writer.WriteLine($"int tapInput = {Code.Times("mh", l.Rows.InputStep * l.PaddedWidth)} + {Code.Times("mw", l.Columns.InputStep)};");
                writer.WriteLine($"int tapWeight = {Code.Times("mh", l.Rows.TapStep * l.Columns.Kernel)} + {Code.Times("mw", l.Columns.TapStep)};");
                WriteTapProducts(writer, l, set, p, rows, channels, vectors, accumulator,
                    load: offset => $"{Code.Affine("j", l.PaddedPlane, offset - (backRows * l.PaddedWidth) - backColumns)} - tapInput", weight: c => $"{Code.Affine("j", l.ChannelWeights, (c * l.KernelTaps) + firstTap)} + tapWeight");
            }
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
                    int offset = ((r + l.Rows.PadBefore) * l.PaddedWidth) + (j * l.Lanes) + l.Columns.PadBefore + set.ColumnFirstQ(l, p);
                    writer.WriteLine($"var b{r}_{j} = {v.Load("xk", load(offset))};");
                }
            }

            for (int c = 0; c < channels; c++)
            {
                writer.WriteLine($"var a{c} = {v.Broadcast(Code.At("wk", weight(c)))};");
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

            writer.WriteLine($"int channel{c} = outputPhase + {Code.Times($"(g * {l.OutputChannelsPerGroup} + m + {c})", l.OutputPlane)};");
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

        /// <summary>The accumulators of one tile: output channels x output rows x vectors of a row (or of the flat row).</summary>
        private readonly record struct Tile(int Channels, int Rows, int Vectors);

        /// <summary>One phase of the rows with the column phases computed together: all of them interleaved, or one.</summary>
        private sealed class PhaseSet
        {
            public PhaseSet(int rh, int[] rws, bool interleaved)
            {
                Rh = rh;
                Rws = rws;
                Interleaved = interleaved;
            }

            public int Rh { get; }

            /// <summary>The column phases, in the order of their first output column when interleaved.</summary>
            public int[] Rws { get; }

            public bool Interleaved { get; }

            /// <summary>
            /// The column phase <paramref name="p"/>'s first tap as the phase method writes it: a constant when the
            /// column phases are interleaved (every set has them all), 0 otherwise (the method's argument holds it).
            /// </summary>
            public int ColumnTap(Layout l, int p) => Interleaved ? l.Columns.FirstTap(Rws[p]) : 0;

            /// <summary>How the phase method's comments name column phase <paramref name="p"/>'s first tap.</summary>
            public string ColumnName(Layout l, int p) => Interleaved ? $"{l.Columns.FirstTap(Rws[p])}" : "column";

            /// <summary>The first <c>q</c> of column phase <paramref name="p"/> as the phase method writes it (see <see cref="ColumnTap"/>).</summary>
            public int ColumnFirstQ(Layout l, int p) => Interleaved ? l.Columns.FirstQ(Rws[p]) : 0;

            /// <summary>The phase as (row, column), the column <c>all</c> when the column phases are interleaved.</summary>
            public string Describe() => Interleaved ? $"({Rh}, all)" : $"({Rh}, {Rws[0]})";
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

        /// <summary>Sizes, phases, the padded buffer and the tile shapes of one layer at one vector width.</summary>
        private sealed class Layout
        {
            public ActivationSpec Activation { get; }

            public Layout(KernelSignature signature, ConvTransposeSpec spec, VectorWidth width)
            {
                Method = signature.MethodName;
                Activation = spec.Activation;
                Element = signature.ElementKeyword;
                ElementType = signature.ElementType;
                Width = width;
                Lanes = width.Lanes(signature.ElementType);
                HasBias = signature.BiasParameter is not null;
                Groups = spec.Groups;
                InputChannels = signature.InputShape[0];
                OutputChannels = signature.OutputShape[0];
                Rows = new ConvTransposePhases(signature.InputShape[1], signature.OutputShape[1], spec.Kernel[0], spec.Stride[0], spec.Pad[0], spec.Dilation[0]);
                Columns = new ConvTransposePhases(signature.InputShape[2], signature.OutputShape[2], spec.Kernel[1], spec.Stride[1], spec.Pad[1], spec.Dilation[1]);
                Phases = (from rh in Enumerable.Range(0, Rows.Stride)
                          from rw in Enumerable.Range(0, Columns.Stride)
                          where Rows.Taps(rh) > 0 && Columns.Taps(rw) > 0 && Rows.Count(rh) > 0 && Columns.Count(rw) > 0
                          select (rh, rw)).ToList();
                HasEmptyPhases = Phases.Count < Enumerable.Range(0, Rows.Stride).Count(r => Rows.Count(r) > 0) * Enumerable.Range(0, Columns.Stride).Count(r => Columns.Count(r) > 0);

                // Every read lies at (q + FirstQ + PadBefore - m) rows and (vector lanes + FirstQ + PadBefore - m) columns.
                PaddedHeight = Math.Max(Rows.Input + Rows.PadBefore, Enumerable.Range(0, Rows.Stride).Max(r => Rows.Count(r) + Rows.FirstQ(r) + Rows.PadBefore));
                int rowPaddedWidth = Math.Max(Columns.Input + Columns.PadBefore, Enumerable.Range(0, Columns.Stride)
                    .Max(r => ((Columns.Count(r) + Lanes - 1) / Lanes * Lanes) + Columns.FirstQ(r) + Columns.PadBefore));
                int flatPaddedWidth = Math.Max(Columns.Input + Columns.PadBefore, Enumerable.Range(0, Columns.Stride)
                    .Max(r => Columns.Count(r) + Columns.FirstQ(r) + Columns.PadBefore));

                // Rows shorter than a vector waste most of its lanes; taking a phase's outputs row after row over the
                // padded width (the flat form) fills them, at the price of computing the few padding columns between rows.
                int rowCost = Phases.Sum(p => Rows.Taps(p.Rh) * Columns.Taps(p.Rw) * Rows.Count(p.Rh) * VectorsFor(Columns.Count(p.Rw)));
                int flatCost = Phases.Sum(p => Rows.Taps(p.Rh) * Columns.Taps(p.Rw) * VectorsFor(FlatLength(p.Rh, p.Rw, flatPaddedWidth)));
                Flat = flatCost * 5 < rowCost * 4 && Phases.All(p => VectorsFor(FlatLength(p.Rh, p.Rw, flatPaddedWidth)) <= MaxFlatVectors);
                PaddedWidth = Flat ? flatPaddedWidth : rowPaddedWidth;
                VectorProducts = Flat ? flatCost : rowCost;

                var rws = Enumerable.Range(0, Columns.Stride).Where(rw => Columns.Taps(rw) > 0 && Columns.Count(rw) > 0).ToArray();
                // Interleaving in registers saves the lane-by-lane stores, which matter when each output sums few products
                // or, in the flat form, always; in the row form it also halves the tile per phase, which costs more than it
                // saves when each output sums many.
                bool interleave = Columns.Stride > 1 && rws.Length == Columns.Stride && Lanes % Columns.Stride == 0
                    && rws.All(rw => Columns.Count(rw) == Columns.Count(0))
                    && (Flat || InputChannelsPerGroup * Rows.MaxTaps * Columns.MaxTaps <= InterleaveMaxProducts);
                PhaseSets = Enumerable.Range(0, Rows.Stride).Where(rh => Rows.Taps(rh) > 0 && Rows.Count(rh) > 0)
                    .SelectMany(rh => interleave
                        ? new[] { new PhaseSet(rh, rws.OrderBy(rw => Columns.OutputPosition(rw, 0)).ToArray(), interleaved: true) }
                        : rws.Select(rw => new PhaseSet(rh, new[] { rw }, interleaved: false)))
                    .ToList();

                NeedsPadding = Flat || Rows.PadBefore > 0 || Columns.PadBefore > 0 || PaddedHeight > Rows.Input || PaddedWidth > Columns.Input;
                if (!NeedsPadding)
                {
                    PaddedHeight = Rows.Input;
                    PaddedWidth = Columns.Input;
                }

                // The flat form's last vector runs past the phase into the next plane; after the last plane, into zeros.
                int lastRead = !Flat ? 0 : Phases.Max(p => ((Rows.FirstQ(p.Rh) + Rows.PadBefore) * PaddedWidth)
                    + (VectorsFor(FlatLength(p.Rh, p.Rw, PaddedWidth)) * Lanes) + Columns.FirstQ(p.Rw) + Columns.PadBefore);
                PaddedLength = (InputChannels * PaddedPlane) + Math.Max(0, lastRead - PaddedPlane);
            }

            public string Method { get; }

            public string Element { get; }

            public ElementType ElementType { get; }

            public VectorWidth Width { get; }

            public int Lanes { get; }

            public bool HasBias { get; }

            public int Groups { get; }

            public int InputChannels { get; }

            public int OutputChannels { get; }

            public int InputChannelsPerGroup => InputChannels / Groups;

            public int OutputChannelsPerGroup => OutputChannels / Groups;

            public ConvTransposePhases Rows { get; }

            public ConvTransposePhases Columns { get; }

            /// <summary>
            /// True when each phase is computed as one flat row over the padded width: a vector then spans several
            /// output rows, and the padding columns between them are computed and dropped.
            /// </summary>
            public bool Flat { get; }

            /// <summary>Vector multiply-adds per (input channel, output channel) pair, for choosing a form and a width.</summary>
            public int VectorProducts { get; }

            public List<(int Rh, int Rw)> Phases { get; }

            public List<PhaseSet> PhaseSets { get; }

            public bool HasEmptyPhases { get; }

            public int PaddedHeight { get; }

            public int PaddedWidth { get; }

            public bool NeedsPadding { get; }

            public int PaddedPlane => PaddedHeight * PaddedWidth;

            /// <summary>The padded planes, and in the flat form the zeros its last vectors read past them.</summary>
            public int PaddedLength { get; }

            public int InputPlane => Rows.Input * Columns.Input;

            public int OutputPlane => Rows.Output * Columns.Output;

            public int KernelTaps => Rows.Kernel * Columns.Kernel;

            private int? _channelBlock;

            /// <summary>Output channels of a group that every phase runs over before the next block (<see cref="ChooseChannelBlock"/>).</summary>
            public int ChannelBlock => _channelBlock ??= ChooseChannelBlock(this);

            public bool IsBlocked => ChannelBlock < OutputChannelsPerGroup;

            /// <summary>The bytes of weights that feed one output channel: every input channel of its group, every tap.</summary>
            public long OutputChannelWeightBytes => (long)InputChannelsPerGroup * KernelTaps * (ElementType == ElementType.Float ? sizeof(float) : sizeof(double));

            /// <summary>Weights from one input channel of a group to all its output channels: the step from channel j to j + 1.</summary>
            public int ChannelWeights => OutputChannelsPerGroup * KernelTaps;

            /// <summary>Lanes of phase (rh, rw) in the flat form: every row but the last spans the whole padded width.</summary>
            public int FlatLength(int rh, int rw, int paddedWidth) => ((Rows.Count(rh) - 1) * paddedWidth) + Columns.Count(rw);

            public int VectorsFor(int lanes) => (lanes + Lanes - 1) / Lanes;

            /// <summary>Where a phase set's first read lies in the padded input, beyond its group, row and lane offsets.</summary>
            public int InputOrigin(PhaseSet set) => (Rows.FirstQ(set.Rh) * PaddedWidth) + (set.Interleaved ? 0 : Columns.FirstQ(set.Rws[0]));

            /// <summary>A phase set's first tap in the weights of each (input, output) channel pair.</summary>
            public int WeightOrigin(PhaseSet set) => (Rows.FirstTap(set.Rh) * Columns.Kernel) + (set.Interleaved ? 0 : Columns.FirstTap(set.Rws[0]));

            /// <summary>A phase set's first output in each output plane.</summary>
            public int OutputOrigin(PhaseSet set) => (Rows.OutputPosition(set.Rh, 0) * Columns.Output) + (set.Interleaved ? 0 : Columns.OutputPosition(set.Rws[0], 0));
        }
    }
}
