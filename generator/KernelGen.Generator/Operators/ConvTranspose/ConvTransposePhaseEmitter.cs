using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>
    /// The vector form of a 2-D transposed convolution with dilation 1: for each stride phase (see
    /// <see cref="ConvTransposePhases"/>), a dense correlation computed like a matrix product, with a tile of output
    /// channels x output rows x vectors of output columns held in registers over the whole reduction (input channels
    /// times the phase's taps). The input is copied once into a zero-padded buffer so that every vector load is in
    /// bounds and no tap needs a border test.
    /// </summary>
    internal static class ConvTransposePhaseEmitter
    {
        private const int MaxAccumulators = 12;

        /// <summary>Products per output (input channels of a group times taps) up to which column phases are interleaved.</summary>
        private const int InterleaveMaxProducts = 64;

        public static bool Applies(KernelSignature signature, ConvTransposeSpec spec) =>
            signature.SpatialRank == 2 && spec.Dilation.All(d => d == 1);

        /// <summary>True when every phase's output row fits in one Vector256, so Vector512 would compute mostly padding.</summary>
        public static bool RowsFitNarrowVectors(KernelSignature signature, ConvTransposeSpec spec)
        {
            var columns = new ConvTransposePhases(signature.InputShape[2], signature.OutputShape[2], spec.Kernel[1], spec.Stride[1], spec.Pad[1]);
            int narrowLanes = VectorWidth.All[1].Lanes(signature.ElementType);
            return Enumerable.Range(0, columns.Stride).All(r => columns.Count(r) <= narrowLanes);
        }

        public static void WriteMethods(IndentedWriter writer, KernelSignature signature, ConvTransposeSpec spec)
        {
            foreach (VectorWidth width in VectorWidth.All)
            {
                var layout = new Layout(signature, spec, width);
                writer.WriteLine();
                writer.WriteLine("#if NET9_0_OR_GREATER");
                WriteEntry(writer, layout);
                foreach (PhaseSet set in layout.PhaseSets)
                {
                    writer.WriteLine();
                    WritePhase(writer, layout, set);
                }

                writer.WriteLine("#endif");
            }
        }

        private static string Parameters(Layout l, string first) =>
            $"global::System.ReadOnlySpan<{l.Element}> {first}, global::System.ReadOnlySpan<{l.Element}> weight, {(l.HasBias ? $"global::System.ReadOnlySpan<{l.Element}> bias, " : string.Empty)}global::System.Span<{l.Element}> output";

        private static string Arguments(Layout l, string first) => $"{first}, weight, {(l.HasBias ? "bias, " : string.Empty)}output";

        private static void WriteEntry(IndentedWriter writer, Layout l)
        {
            writer.WriteLine($"/// <summary>One sample with {l.Width.Name}: {l.PhaseSets.Count} set(s) of stride phases, each a register-tiled product over the zero-padded input.</summary>");
            using (writer.Block($"private static void {l.Method}_{l.Width.Name}({Parameters(l, "input")})"))
            {
                if (l.HasEmptyPhases)
                {
                    writer.WriteLine("// Some phases have no kernel tap: their outputs hold only the bias.");
                    using (writer.Block($"for (int co = 0; co < {l.OutputChannels}; co++)"))
                    {
                        writer.WriteLine($"output.Slice({Code.Times("co", l.OutputPlane)}, {l.OutputPlane}).Fill({(l.HasBias ? "bias[co]" : Literals.Real(0, l.ElementType))});");
                    }
                }

                if (!l.NeedsPadding)
                {
                    writer.WriteLine("// Every tap of every phase reads inside the input: no padded copy is needed.");
                    foreach (PhaseSet set in l.PhaseSets)
                    {
                        writer.WriteLine($"{l.Method}_{l.Width.Name}_{set.Name}({Arguments(l, "input")});");
                    }

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
                            string target = Code.At("paddedStart", $"{Code.Times("c", l.PaddedPlane)} + {Code.Times($"(row + {l.Rows.PadBefore})", l.PaddedWidth)} + {l.Columns.PadBefore}");
                            string source = Code.At("inputStart", $"{Code.Times("c", l.InputPlane)} + {Code.Times("row", l.Columns.Input)}");
                            writer.WriteLine($"{Code.Unsafe}.CopyBlockUnaligned(ref {Code.Unsafe}.As<{l.Element}, byte>(ref {target}), ref {Code.Unsafe}.As<{l.Element}, byte>(ref {source}), {l.Columns.Input * (l.ElementType == ElementType.Float ? 4 : 8)});");
                        }
                    }

                    foreach (PhaseSet set in l.PhaseSets)
                    {
                        writer.WriteLine($"{l.Method}_{l.Width.Name}_{set.Name}({Arguments(l, "padded")});");
                    }
                }

                using (writer.Block("finally"))
                {
                    writer.WriteLine($"global::System.Buffers.ArrayPool<{l.Element}>.Shared.Return(rented);");
                }
            }
        }

        private static void WritePhase(IndentedWriter writer, Layout l, PhaseSet set)
        {
            int rh = set.Rh, qh = l.Rows.Count(rh), qw = l.Columns.Count(set.Rws[0]);
            int vectors = (qw + l.Lanes - 1) / l.Lanes;
            int perRowVector = l.TileChannels * set.Rws.Length;
            int tileVectors = Math.Min(Math.Min(3, vectors), Math.Max(1, MaxAccumulators / perRowVector));
            int tileRows = Math.Max(1, Math.Min(qh, MaxAccumulators / (perRowVector * tileVectors)));
            string columns = set.Interleaved
                ? $"all {l.Columns.Stride} column phases together ({qw} each), interleaved in registers"
                : $"columns {l.Columns.OutputPosition(set.Rws[0], 0)}, {l.Columns.OutputPosition(set.Rws[0], 0) + l.Columns.Stride}, ... ({qw})";
            writer.WriteLine($"/// <summary>Row phase {rh}: output rows {l.Rows.OutputPosition(rh, 0)}, {l.Rows.OutputPosition(rh, 0) + l.Rows.Stride}, ... ({qh}); {columns}; tiles of {l.TileChannels} channels x {tileRows} rows x {tileVectors} vectors.</summary>");
            using (writer.Block($"private static void {l.Method}_{l.Width.Name}_{set.Name}({Parameters(l, "x")})"))
            {
                writer.WriteLine(Code.StartRef(l.Element, "x"));
                writer.WriteLine(Code.StartRef(l.Element, "weight"));
                writer.WriteLine(Code.StartRef(l.Element, "output"));
                writer.WriteLine($"global::System.Span<{l.Element}> lanes = stackalloc {l.Element}[{l.Lanes}];");
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

                int fullRows = qh / tileRows * tileRows;
                if (fullRows > 0)
                {
                    using (writer.Block($"for (int qh = 0; qh < {fullRows}; qh += {tileRows})"))
                    {
                        WriteChannelTiles(writer, l, set, tileRows, vectors, tileVectors, qw);
                    }
                }

                if (qh % tileRows > 0)
                {
                    using (writer.Block())
                    {
                        writer.WriteLine($"const int qh = {fullRows};");
                        WriteChannelTiles(writer, l, set, qh % tileRows, vectors, tileVectors, qw);
                    }
                }

                groupScope?.Dispose();
            }
        }

        /// <summary>
        /// Output vector t of an interleaved block takes lane i from column phase (i mod stride) at index (t*lanes + i) / stride:
        /// one shuffle per phase, and a select by lane.
        /// </summary>
        private static void WriteInterleaveConstants(IndentedWriter writer, Layout l)
        {
            int stride = l.Columns.Stride;
            string suffix = l.ElementType == ElementType.Float ? string.Empty : "L";
            string lanesOf(Func<int, string> value) => string.Join(", ", Enumerable.Range(0, l.Lanes).Select(value));
            for (int t = 0; t < stride; t++)
            {
                writer.WriteLine($"var spread{t} = {l.Width.Type}.Create({lanesOf(i => Literals.Int(((t * l.Lanes) + i) / stride) + suffix)});");
            }

            string reinterpret = l.ElementType == ElementType.Float ? "AsSingle" : "AsDouble";
            for (int u = 0; u < stride - 1; u++)
            {
                writer.WriteLine($"var fromPhase{u} = {l.Width.Type}.{reinterpret}({l.Width.Type}.Create({lanesOf(i => (i % stride == u ? "-1" : "0") + suffix)}));");
            }
        }

        private static void WriteChannelTiles(IndentedWriter writer, Layout l, PhaseSet set, int rows, int vectors, int tileVectors, int qw)
        {
            int m = l.OutputChannelsPerGroup, fullChannels = m / l.TileChannels * l.TileChannels;
            if (fullChannels > 0)
            {
                using (writer.Block($"for (int m = 0; m < {fullChannels}; m += {l.TileChannels})"))
                {
                    WriteVectorTiles(writer, l, set, rows, l.TileChannels, vectors, tileVectors, qw);
                }
            }

            if (m % l.TileChannels > 0)
            {
                using (writer.Block())
                {
                    writer.WriteLine($"const int m = {fullChannels};");
                    WriteVectorTiles(writer, l, set, rows, m % l.TileChannels, vectors, tileVectors, qw);
                }
            }
        }

        private static void WriteVectorTiles(IndentedWriter writer, Layout l, PhaseSet set, int rows, int channels, int vectors, int tileVectors, int qw)
        {
            for (int first = 0; first < vectors; first += tileVectors)
            {
                using (writer.Block())
                {
                    WriteTile(writer, l, set, rows, channels, first, Math.Min(tileVectors, vectors - first), qw);
                }
            }
        }

        /// <summary>
        /// channels x rows x vectors (x column phases) accumulators start from the bias; for every input channel of the
        /// group and every tap of each phase, each row of the tile loads its input vectors once and every channel adds
        /// them times one weight.
        /// </summary>
        private static void WriteTile(IndentedWriter writer, Layout l, PhaseSet set, int rows, int channels, int firstVector, int vectors, int qw)
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

            writer.WriteLine($"ref {l.Element} xk = ref {Code.At("xStart", $"g * {l.InputChannelsPerGroup * l.PaddedPlane} + (qh + {l.Rows.FirstQ(rh)}) * {l.PaddedWidth} + {firstVector * l.Lanes}")};");
            writer.WriteLine($"ref {l.Element} wk = ref {Code.At("weightStart", $"(g * {l.InputChannelsPerGroup * l.OutputChannelsPerGroup} + m) * {l.KernelTaps}")};");
            using (writer.Block($"for (int j = 0; j < {l.InputChannelsPerGroup}; j++)"))
            {
                for (int p = 0; p < set.Rws.Length; p++)
                {
                    int rw = set.Rws[p];
                    for (int mh = 0; mh < l.Rows.Taps(rh); mh++)
                    {
                        for (int mw = 0; mw < l.Columns.Taps(rw); mw++)
                        {
                            int tap = ((rh + (l.Rows.Stride * mh)) * l.Columns.Kernel) + rw + (l.Columns.Stride * mw);
                            writer.WriteLine($"// tap [{rh + (l.Rows.Stride * mh)}, {rw + (l.Columns.Stride * mw)}]: input row q - {mh}, column q - {mw}");
                            using var tapScope = writer.Block();
                            for (int r = 0; r < rows; r++)
                            {
                                for (int j = 0; j < vectors; j++)
                                {
                                    int offset = ((r - mh + l.Rows.PadBefore) * l.PaddedWidth) + (j * l.Lanes) - mw + l.Columns.PadBefore + l.Columns.FirstQ(rw);
                                    writer.WriteLine($"var b{r}_{j} = {v.Load("xk", Literals.Int(offset))};");
                                }
                            }

                            for (int c = 0; c < channels; c++)
                            {
                                writer.WriteLine($"var a{c} = {v.Broadcast(Code.At("wk", Literals.Int((c * l.KernelTaps) + tap)))};");
                                for (int r = 0; r < rows; r++)
                                {
                                    for (int j = 0; j < vectors; j++)
                                    {
                                        writer.WriteLine($"{Acc(c, r, j, p)} = {v.Fma($"a{c}", $"b{r}_{j}", Acc(c, r, j, p))};");
                                    }
                                }
                            }
                        }
                    }
                }

                writer.WriteLine($"xk = ref {Code.At("xk", Literals.Int(l.PaddedPlane))};");
                writer.WriteLine($"wk = ref {Code.At("wk", Literals.Int(l.OutputChannelsPerGroup * l.KernelTaps))};");
            }

            for (int c = 0; c < channels; c++)
            {
                for (int r = 0; r < rows; r++)
                {
                    string outputRow = $"((qh + {r + l.Rows.FirstQ(rh)}) * {l.Rows.Stride} + {rh - l.Rows.Pad})";
                    string rowStart = $"(g * {l.OutputChannelsPerGroup} + m + {c}) * {l.OutputPlane} + {outputRow} * {l.Columns.Output}";
                    writer.WriteLine($"int row{c}_{r} = {rowStart};");
                    for (int j = 0; j < vectors; j++)
                    {
                        int firstIndex = (firstVector + j) * l.Lanes;
                        if (set.Interleaved)
                        {
                            WriteInterleavedStores(writer, l, set, $"row{c}_{r}", p => Acc(c, r, j, p), firstIndex, qw);
                        }
                        else
                        {
                            int rw = set.Rws[0];
                            WriteStore(writer, l, $"row{c}_{r}", Acc(c, r, j, 0), l.Columns.OutputPosition(rw, firstIndex), Math.Min(l.Lanes, qw - firstIndex), l.Columns.Stride);
                        }
                    }
                }
            }
        }

        /// <summary>The stride column phases of one block, zipped into stride output vectors of consecutive columns.</summary>
        private static void WriteInterleavedStores(IndentedWriter writer, Layout l, PhaseSet set, string row, Func<int, string> accumulator, int firstIndex, int qw)
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

                // Lane i comes from the phase whose columns are i mod stride past a multiple of the stride.
                string value = $"{l.Width.Type}.Shuffle({accumulator(stride - 1)}, spread{t})";
                for (int u = stride - 2; u >= 0; u--)
                {
                    value = $"{l.Width.Type}.ConditionalSelect(fromPhase{u}, {l.Width.Type}.Shuffle({accumulator(u)}, spread{t}), {value})";
                }

                WriteStore(writer, l, row, value, column, valid, 1);
            }
        }

        /// <summary>Stores <paramref name="count"/> lanes at columns <c>column, column + step, ...</c> of an output row: a whole vector when they are consecutive.</summary>
        private static void WriteStore(IndentedWriter writer, Layout l, string row, string value, int column, int count, int step)
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

            writer.WriteLine($"for (int lane = 0; lane < {count}; lane++) {Code.At("outputStart", $"{row} + {Code.Affine("lane", step, column)}")} = {Code.At("lanesStart", "lane")};");
        }

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

            public string Name => $"Phase{Rh}_{string.Join(string.Empty, Rws)}";
        }

        /// <summary>Sizes, phases and the padded buffer of one layer at one vector width.</summary>
        private sealed class Layout
        {
            public Layout(KernelSignature signature, ConvTransposeSpec spec, VectorWidth width)
            {
                Method = signature.MethodName;
                Element = signature.ElementKeyword;
                ElementType = signature.ElementType;
                Width = width;
                Lanes = width.Lanes(signature.ElementType);
                HasBias = signature.BiasParameter is not null;
                Groups = spec.Groups;
                InputChannels = signature.InputShape[0];
                OutputChannels = signature.OutputShape[0];
                Rows = new ConvTransposePhases(signature.InputShape[1], signature.OutputShape[1], spec.Kernel[0], spec.Stride[0], spec.Pad[0]);
                Columns = new ConvTransposePhases(signature.InputShape[2], signature.OutputShape[2], spec.Kernel[1], spec.Stride[1], spec.Pad[1]);
                TileChannels = Math.Min(4, OutputChannelsPerGroup);
                Phases = (from rh in Enumerable.Range(0, Rows.Stride)
                          from rw in Enumerable.Range(0, Columns.Stride)
                          where Rows.Taps(rh) > 0 && Columns.Taps(rw) > 0 && Rows.Count(rh) > 0 && Columns.Count(rw) > 0
                          select (rh, rw)).ToList();
                var rws = Enumerable.Range(0, Columns.Stride).Where(rw => Columns.Taps(rw) > 0 && Columns.Count(rw) > 0).ToArray();
                // Interleaving in registers saves the lane-by-lane stores, which matter when each output sums few products;
                // it also halves the tile per phase, which costs more than it saves when each output sums many.
                bool interleave = Columns.Stride > 1 && rws.Length == Columns.Stride && Lanes % Columns.Stride == 0
                    && rws.All(rw => Columns.Count(rw) == Columns.Count(0))
                    && InputChannelsPerGroup * Rows.MaxTaps * Columns.MaxTaps <= InterleaveMaxProducts;
                PhaseSets = Enumerable.Range(0, Rows.Stride).Where(rh => Rows.Taps(rh) > 0 && Rows.Count(rh) > 0)
                    .SelectMany(rh => interleave
                        ? new[] { new PhaseSet(rh, rws.OrderBy(rw => Columns.OutputPosition(rw, 0)).ToArray(), interleaved: true) }
                        : rws.Select(rw => new PhaseSet(rh, new[] { rw }, interleaved: false)))
                    .ToList();
                HasEmptyPhases = Phases.Count < Enumerable.Range(0, Rows.Stride).Count(r => Rows.Count(r) > 0) * Enumerable.Range(0, Columns.Stride).Count(r => Columns.Count(r) > 0);

                // Every read lies at (q + FirstQ + PadBefore - m) rows and (vector lanes + FirstQ + PadBefore - m) columns.
                PaddedHeight = Math.Max(Rows.Input + Rows.PadBefore, Enumerable.Range(0, Rows.Stride).Max(r => Rows.Count(r) + Rows.FirstQ(r) + Rows.PadBefore));
                PaddedWidth = Math.Max(Columns.Input + Columns.PadBefore, Enumerable.Range(0, Columns.Stride)
                    .Max(r => ((Columns.Count(r) + Lanes - 1) / Lanes * Lanes) + Columns.FirstQ(r) + Columns.PadBefore));
                NeedsPadding = Rows.PadBefore > 0 || Columns.PadBefore > 0 || PaddedHeight > Rows.Input || PaddedWidth > Columns.Input;
                if (!NeedsPadding)
                {
                    PaddedHeight = Rows.Input;
                    PaddedWidth = Columns.Input;
                }
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

            public int TileChannels { get; }

            public List<(int Rh, int Rw)> Phases { get; }

            public List<PhaseSet> PhaseSets { get; }

            public bool HasEmptyPhases { get; }

            public int PaddedHeight { get; }

            public int PaddedWidth { get; }

            public bool NeedsPadding { get; }

            public int PaddedPlane => PaddedHeight * PaddedWidth;

            public int PaddedLength => InputChannels * PaddedPlane;

            public int InputPlane => Rows.Input * Columns.Input;

            public int OutputPlane => Rows.Output * Columns.Output;

            public int KernelTaps => Rows.Kernel * Columns.Kernel;
        }
    }
}
