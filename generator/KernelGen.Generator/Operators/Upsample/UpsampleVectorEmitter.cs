using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Upsample
{
    /// <summary>
    /// The vector form of upsampling by source tables (every mode but nearest by whole factors) in every rank, separable as PyTorch computes it (the
    /// innermost axis first). Each output position reads <c>T</c> source positions per axis (nearest 1, linear 2,
    /// cubic 4): first along W, each block of output columns from one vector of input columns rearranged by T constant
    /// shuffles and weighted by T constant weight vectors (when downsampling, from a window of several consecutive
    /// input vectors, each shuffled into the lanes it feeds and merged by constant masks); then along H (2-D) each output row is the weighted sum of T of
    /// those rows, or along H and D (3-D) of T planes of T rows, whole vectors at a time. A 1-D layer is the first pass
    /// alone, written straight into the output. Nearest by whole factors has its own copy form (<see cref="UpsampleEmitter"/>).
    /// </summary>
    internal static class UpsampleVectorEmitter
    {
        /// <summary>The most bytes of W-interpolated rows kept on the stack; more come from the pool.</summary>
        private const int StackLimitBytes = 16 * 1024;

        /// <summary>
        /// Blocks of output columns whose shuffles and weights are written out as constants; a wider row loops over a
        /// period of blocks that repeats (see Layout.Period) or, without one, reads every block's from tables, so that
        /// neither the source nor the stack grows with the width.
        /// </summary>
        private const int MaxUnrolledBlocks = 8;

        /// <summary>Blocks before a repeating run that are written out as constants (where the left edge clamps the sources).</summary>
        private const int MaxHeadBlocks = 4;

        /// <summary>
        /// The most input vectors one tap of a block reads: a factor down to 1/4 (bicubic's window of four taps
        /// included, at 1/3), each vector shuffled into the lanes it feeds and the parts merged by constant masks.
        /// </summary>
        private const int MaxWindowVectors = 4;

        /// <summary>
        /// The widths this layer can use: the input row holds a whole vector, and each block of output columns reads, for
        /// each of its taps, fewer input columns than a vector has lanes (one vector for the whole block when all its taps
        /// fit in one, else one per tap: bicubic x2 at 4 lanes reads 5 input columns per block, but 2 per tap).
        /// </summary>
        public static VectorWidth[] Widths(KernelSignature signature, UpsampleSpec spec)
        {
            // A row longer than the generator analyses (UpsampleShape.MaxWrittenPositions) takes the scalar loops.
            // So does a layer whose rows buffer ([input rows x output width]) would pass a quarter of int.MaxValue.
            int rank = signature.SpatialRank;
            long rowsLength = (long)signature.OutputShape[rank] * Enumerable.Range(1, rank - 1).Aggregate(1L, (n, axis) => n * signature.InputShape[axis]);
            return rank is < 1 or > 3 || UpsampleShape.IsComputedAtRunTime(signature.OutputShape[rank]) || rowsLength > int.MaxValue / 4 ? new VectorWidth[0]
                : VectorWidth.All.Where(width => new Layout(signature, spec, width).Fits).ToArray();
        }

        /// <summary>
        /// What a width's method needs beyond acceleration, or null: wide rows read their shuffles from tables, and a
        /// shuffle by indices that are not constant is one instruction only where the hardware has a variable permute.
        /// </summary>
        public static string? Condition(KernelSignature signature, UpsampleSpec spec, VectorWidth width) =>
            new Layout(signature, spec, width).Tabled ? width.VariableShuffleCondition : null;

        public static void WriteMethods(IndentedWriter writer, KernelSignature signature, UpsampleSpec spec)
        {
            foreach (VectorWidth width in Widths(signature, spec))
            {
                WriteMethod(writer, new Layout(signature, spec, width));
            }
        }

        private static void WriteMethod(IndentedWriter writer, Layout l)
        {
            VectorWidth v = l.Width;
            string element = l.Element;
            string passes = l.Rank switch
            {
                1 => "along W by constant shuffles, straight into the output",
                2 => $"along W by constant shuffles into [{l.InputRows} x {l.OutputWidth}] rows, then along H by whole vectors",
                _ => $"along W by constant shuffles into [{l.Signature.InputShape[1]} x {l.Signature.InputShape[2]} x {l.OutputWidth}] rows, then along H and D by whole vectors",
            };
            // Channels are independent: a large upsampling splits by channels across the workers, each unit with its own rows.
            ParallelParts.WritePassMethod(writer, v, l.Method, $"global::System.ReadOnlySpan<{element}> input, global::System.Span<{element}> output",
                $"One sample with {v.Name}: {passes}.", element, ParallelParts.InputOutput, l.Signature.InputShape[0], "channels",
                ShapeText.ElementCount(l.Signature.InputShape), ShapeText.ElementCount(l.Signature.OutputShape), channels => WriteBody(writer, l, channels));

            if (l.Tabled)
            {
                WriteBlockTables(writer, l);
            }
        }

        /// <summary>The passes over channels <paramref name="channels"/> [first, end): every channel, or a unit's of the split form.</summary>
        private static void WriteBody(IndentedWriter writer, Layout l, (string First, string End) channels)
        {
            VectorWidth v = l.Width;
            string element = l.Element, index = VectorWidth.IndexType(l.Signature.ElementType);
            int lanes = l.Lanes, rank = l.Rank, taps = l.Taps;
            writer.WriteLine(Code.StartRef(element, "input"));
            writer.WriteLine(Code.StartRef(element, "output"));
            int rowsLength = rank == 1 ? 0 : l.InputRows * l.OutputWidth;
            bool pooled = (long)rowsLength * l.Signature.ElementType.Bytes() > StackLimitBytes;
            if (pooled)
            {
                writer.WriteLine($"// [{l.InputRows} x {l.OutputWidth}] rows are too many for the stack: borrowed from the pool, no allocation once it holds one.");
                writer.WriteLine($"{element}[] rented = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({rowsLength});");
                writer.WriteLine($"global::System.Span<{element}> rows = global::System.MemoryExtensions.AsSpan(rented, 0, {rowsLength});");
            }
            else if (rank > 1)
            {
                writer.WriteLine($"global::System.Span<{element}> rows = stackalloc {element}[{rowsLength}];");
            }

            if (rank > 1)
            {
                writer.WriteLine(Code.StartRef(element, "rows"));
            }

            // The tables of the outer axes (D, H), which the scalar form reads too.
            for (int axis = 0; axis < rank - 1; axis++)
            {
                writer.WriteLine($"global::System.ReadOnlySpan<int> index{axis} = {l.Method}_SourceIndex{axis};");
                if (l.HasWeights)
                {
                    writer.WriteLine($"global::System.ReadOnlySpan<{element}> weight{axis} = {l.Method}_SourceWeight{axis};");
                }
            }

            if (l.Tabled)
            {
                writer.WriteLine(l.OneWindowPerBlock
                    ? $"// {l.Blocks} blocks of {lanes} output columns: each block's first input column, shuffles and weights come from tables."
                    : $"// {l.Blocks} blocks of {lanes} output columns: the first input column of each block's taps, their shuffles and weights come from tables.");
                writer.WriteLine(Code.TableRef("int", "blockBase", TableName(l.Method, "BlockBase", v)));
                writer.WriteLine(Code.TableRef(index, "blockShuffle", TableName(l.Method, "BlockShuffle", v)));
                if (l.HasWeights)
                {
                    writer.WriteLine(Code.TableRef(element, "blockWeight", TableName(l.Method, "BlockWeight", v)));
                }
            }

            if (l.Period is { } period)
            {
                writer.WriteLine($"// {l.Blocks} blocks of {lanes} output columns: blocks {period.Head} to {period.Head + period.Length - 1} repeat {period.Repeats} times, each time {period.Step} input columns further on; the {period.Head} before and {l.Blocks - period.End} after are written out.");
            }

            foreach (int b in l.ConstantBlocks)
            {
                string Lanes(Func<int, string> value) => string.Join(", ", Enumerable.Range(0, lanes).Select(value));
                writer.WriteLine(l.SharesWindow(b)
                    ? $"// Output columns {b * lanes}..{(b * lanes) + lanes - 1} read input columns {l.Base(b, 0)}..{l.Base(b, 0) + l.WindowLength - 1}."
                    : $"// Output columns {b * lanes}..{(b * lanes) + lanes - 1} read, per tap, input columns from {string.Join(", ", Enumerable.Range(0, taps).Select(t => Literals.Int(l.Base(b, t))))} on.");
                for (int t = 0; t < taps; t++)
                {
                    if (l.HasWeights)
                    {
                        writer.WriteLine($"var weight{t}_{b} = {v.Type}.Create({Lanes(lane => Literals.Real(l.ColumnWeight(b, lane, t), l.Signature.ElementType))});");
                    }
                }
            }

            var poolScope = pooled ? writer.Block("try") : (IndentedWriter.Scope?)null;
            using (writer.Block($"for (int c = {channels.First}; c < {channels.End}; c++)"))
            {
                writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times("c", l.InputRows * l.InputWidth)));
                if (rank == 1)
                {
                    writer.WriteLine(Code.Derive(element, "source", "x", "0"));
                    writer.WriteLine(Code.Derive(element, "target", "outputStart", Code.Times("c", l.OutputWidth)));
                    WriteRowPass(writer, l);
                }
                else
                {
                    using (writer.Block($"for (int row = 0; row < {l.InputRows}; row++)"))
                    {
                        writer.WriteLine(Code.Derive(element, "source", "x", Code.Times("row", l.InputWidth)));
                        writer.WriteLine(Code.Derive(element, "target", "rowsStart", Code.Times("row", l.OutputWidth)));
                        WriteRowPass(writer, l);
                    }

                    writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times("c", l.OutputRows * l.OutputWidth)));
                    WriteOuterPass(writer, l);
                }
            }

            if (poolScope is { } scope)
            {
                scope.Dispose();
                using (writer.Block("finally"))
                {
                    writer.WriteLine($"global::System.Buffers.ArrayPool<{element}>.Shared.Return(rented);");
                }
            }
        }

        /// <summary>Along W: the row at <c>source</c> into the row at <c>target</c>, a block of output columns per vector.</summary>
        private static void WriteRowPass(IndentedWriter writer, Layout l)
        {
            VectorWidth v = l.Width;
            int lanes = l.Lanes, taps = l.Taps;
            string Weighted(string weight, string value) => l.HasWeights ? $"{weight} * {value}" : value;
            if (l.Tabled)
            {
                using (writer.Block($"for (int b = 0; b < {l.Blocks}; b++)"))
                {
                    string Entry(int t) => taps == 1 ? "b" : $"({taps} * b + {t})";
                    if (l.OneWindowPerBlock)
                    {
                        writer.WriteLine($"var block = {v.Load("source", Code.At("blockBase", "b"))};");
                    }
                    else
                    {
                        for (int t = 0; t < taps; t++)
                        {
                            writer.WriteLine($"var block{t} = {v.Load("source", Code.At("blockBase", Entry(t)))};");
                        }
                    }

                    string sum = string.Join(" + ", Enumerable.Range(0, taps).Select(t =>
                        Weighted(v.Load("blockWeight", $"{Entry(t)} * {lanes}"), $"{v.Type}.Shuffle(block{(l.OneWindowPerBlock ? string.Empty : Literals.Int(t))}, {v.Load("blockShuffle", $"{Entry(t)} * {lanes}")})")));
                    writer.WriteLine(v.Store(sum, "target", $"b * {lanes}"));
                }
            }

            // input(first column): the offset of an input vector that starts at that column, in this pass's loop.
            void WriteBlock(int b, Func<int, string> input, string output)
            {
                // One window for the block, or one per tap; taps whose windows start together share it. A window is one
                // input vector, or when downsampling several consecutive ones (the parts of it some lane reads).
                int Owner(int t) => Enumerable.Range(0, taps).First(u => l.Base(b, u) == l.Base(b, t));
                string Vector(int t, int part) => (l.SharesWindow(b) ? $"input{b}" : $"input{b}_{Owner(t)}") + (l.WindowVectors == 1 ? string.Empty : $"v{part}");
                int Part(int lane, int t) => (l.Column(b, lane, t) - l.Base(b, t)) / lanes;
                foreach (int t in Enumerable.Range(0, taps).Where(t => Owner(t) == t))
                {
                    var parts = Enumerable.Range(0, taps).Where(u => Owner(u) == t).SelectMany(u => Enumerable.Range(0, lanes).Select(lane => Part(lane, u))).Distinct().OrderBy(p => p);
                    foreach (int part in parts)
                    {
                        writer.WriteLine($"var {Vector(t, part)} = {v.Load("source", input(l.Base(b, t) + (part * lanes)))};");
                    }
                }

                // The shuffle's indices are written at the shuffle: NativeAOT emulates a shuffle lane by lane when its
                // indices come from a local declared outside the loops (1-D linear x2: 1.44 ms there, as constants here).
                string Shuffled(int t, int part) => v.ConstantShuffle(Vector(t, part), Enumerable.Range(0, lanes).Select(lane =>
                    Part(lane, t) == part ? l.Column(b, lane, t) - l.Base(b, t) - (part * lanes) : 0), l.Signature.ElementType);
                string[] gathered = new string[taps];
                for (int t = 0; t < taps; t++)
                {
                    int[] parts = Enumerable.Range(0, lanes).Select(lane => Part(lane, t)).Distinct().OrderBy(p => p).ToArray();
                    if (parts.Length == 1)
                    {
                        gathered[t] = Shuffled(t, parts[0]);
                        continue;
                    }

                    // Each lane from the part of the window that holds its column, merged by constant masks.
                    gathered[t] = $"gathered{b}_{t}";
                    string Lanes(int part) => string.Join(", ", Enumerable.Range(0, lanes).Where(lane => Part(lane, t) == part).Select(lane => Literals.Int(lane)));
                    writer.WriteLine($"// tap {t}: {string.Join("; ", parts.Select(p => $"lanes {Lanes(p)} from {Vector(t, p)}"))}");
                    writer.WriteLine($"var {gathered[t]} = {Shuffled(t, parts[0])};");
                    foreach (int part in parts.Skip(1))
                    {
                        string mask = v.LaneMask(Enumerable.Range(0, lanes).Select(lane => Part(lane, t) == part), l.Signature.ElementType);
                        writer.WriteLine($"{gathered[t]} = {v.Type}.ConditionalSelect({mask}, {Shuffled(t, part)}, {gathered[t]});");
                    }
                }

                string sum = string.Join(" + ", Enumerable.Range(0, taps).Select(t => Weighted($"weight{t}_{b}", gathered[t])));
                writer.WriteLine(v.Store(sum, "target", output));
            }

            Period? period = l.Period;
            foreach (int b in l.ConstantBlocks.Where(b => period is null || b < period.Head || b >= period.End))
            {
                WriteBlock(b, first => Literals.Int(first), Literals.Int(b * lanes));
            }

            if (period is not null)
            {
                using (writer.Block($"for (int r = 0; r < {period.Repeats}; r++)"))
                {
                    for (int b = period.Head; b < period.Head + period.Length; b++)
                    {
                        WriteBlock(b, first => Code.Affine("r", period.Step, first), Code.Affine("r", period.Length * lanes, b * lanes));
                    }
                }
            }

            for (int o = l.Blocks * lanes; o < l.OutputWidth; o++)
            {
                string sum = string.Join(" + ", Enumerable.Range(0, taps).Select(t =>
                    Weighted(Literals.Real(l.Weights[(o * taps) + t], l.Signature.ElementType), Code.At("source", Literals.Int(l.Columns[(o * taps) + t])))));
                writer.WriteLine($"{Code.At("target", Literals.Int(o))} = {sum};");
            }
        }

        /// <summary>
        /// Along H (2-D), or H and D (3-D): each output row from the W-interpolated rows its T rows (of each of its T
        /// planes) name, combined as PyTorch nests them: within a plane by the H weights, then the planes by the D weights.
        /// </summary>
        private static void WriteOuterPass(IndentedWriter writer, Layout l)
        {
            string element = l.Element;
            int taps = l.Taps, outW = l.OutputWidth;
            VectorWidth v = l.Width;
            string Entry(string position, int t) => (taps == 1 ? position : $"{taps} * {position}") + (t == 0 ? string.Empty : $" + {t}");
            void WriteWeights(string axisTable, string position, Func<int, string> name)
            {
                if (l.HasWeights)
                {
                    writer.WriteLine($"{element} {string.Join(", ", Enumerable.Range(0, taps).Select(t => $"{name(t)}Weight = {axisTable}[{Entry(position, t)}]"))};");
                    foreach (int t in Enumerable.Range(0, taps))
                    {
                        writer.WriteLine($"var {name(t)}Weights = {v.Broadcast($"{name(t)}Weight")};");
                    }
                }
            }

            if (l.Rank == 2)
            {
                using (writer.Block($"for (int oh = 0; oh < {l.Signature.OutputShape[1]}; oh++)"))
                {
                    foreach (int u in Enumerable.Range(0, taps))
                    {
                        writer.WriteLine(Code.Derive(element, l.RowName(u), "rowsStart", $"index0[{Entry("oh", u)}] * {outW}"));
                    }

                    writer.WriteLine(Code.Derive(element, "target", "y", Code.Times("oh", outW)));
                    WriteWeights("weight0", "oh", l.RowName);
                    WriteBlend(writer, l);
                }

                return;
            }

            int inH = l.Signature.InputShape[2], outH = l.Signature.OutputShape[2];
            using (writer.Block($"for (int od = 0; od < {l.Signature.OutputShape[1]}; od++)"))
            {
                WriteWeights("weight0", "od", l.PlaneName);
                using (writer.Block($"for (int oh = 0; oh < {outH}; oh++)"))
                {
                    foreach (int t in Enumerable.Range(0, taps))
                    {
                        foreach (int u in Enumerable.Range(0, taps))
                        {
                            writer.WriteLine(Code.Derive(element, l.RowName(t, u), "rowsStart", $"(index0[{Entry("od", t)}] * {inH} + index1[{Entry("oh", u)}]) * {outW}"));
                        }
                    }

                    writer.WriteLine(Code.Derive(element, "target", "y", $"(od * {outH} + oh) * {outW}"));
                    WriteWeights("weight1", "oh", l.RowName);
                    WriteBlend(writer, l);
                }
            }
        }

        /// <summary>
        /// One output row from the W-interpolated rows the outer pass named: whole vectors (in a loop when the blocks
        /// come from tables), then the columns after the last whole vector one by one.
        /// </summary>
        private static void WriteBlend(IndentedWriter writer, Layout l)
        {
            VectorWidth v = l.Width;
            int lanes = l.Lanes, taps = l.Taps;
            string Sum(Func<string, string> load, string weights)
            {
                string Weighted(string weight, string value) => l.HasWeights ? $"{weight}{weights} * {value}" : value;
                string Plane(int t) => string.Join(" + ", Enumerable.Range(0, taps).Select(u => Weighted(l.RowName(u), load(l.RowName(t, u)))));
                return l.Rank == 2 ? Plane(0)
                    : string.Join(" + ", Enumerable.Range(0, taps).Select(t => taps == 1 ? Plane(t) : Weighted(l.PlaneName(t), $"({Plane(t)})")));
            }

            if (l.Blocks > MaxUnrolledBlocks)
            {
                using (writer.Block($"for (int ow = 0; ow < {l.Blocks * lanes}; ow += {lanes})"))
                {
                    writer.WriteLine(v.Store(Sum(row => v.Load(row, "ow"), "Weights"), "target", "ow"));
                }
            }

            for (int b = 0; b < (l.Blocks > MaxUnrolledBlocks ? 0 : l.Blocks); b++)
            {
                string offset = Literals.Int(b * lanes);
                writer.WriteLine(v.Store(Sum(row => v.Load(row, offset), "Weights"), "target", offset));
            }

            for (int o = l.Blocks * lanes; o < l.OutputWidth; o++)
            {
                writer.WriteLine($"{Code.At("target", Literals.Int(o))} = {Sum(row => Code.At(row, Literals.Int(o)), "Weight")};");
            }
        }

        /// <summary>Per block: its first input column; its T shuffles (relative to it) and T weight vectors, lane by lane.</summary>
        private static void WriteBlockTables(IndentedWriter writer, Layout l)
        {
            VectorWidth v = l.Width;
            int lanes = l.Lanes, taps = l.Taps;
            string index = VectorWidth.IndexType(l.Signature.ElementType), suffix = index == "long" ? "L" : string.Empty;
            var shuffles = from b in Enumerable.Range(0, l.Blocks) from t in Enumerable.Range(0, taps) from lane in Enumerable.Range(0, lanes)
                           select Literals.Int(l.Column(b, lane, t) - l.Base(b, t)) + suffix;
            var blockWeights = from b in Enumerable.Range(0, l.Blocks) from t in Enumerable.Range(0, taps) from lane in Enumerable.Range(0, lanes)
                               select Literals.Real(l.ColumnWeight(b, lane, t), l.Signature.ElementType);
            string count = taps switch { 1 => "one", 2 => "two", _ => "four" };
            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            if (l.OneWindowPerBlock)
            {
                writer.WriteLine($"/// <summary>{v.Name}: the first input column of each block of {lanes} output columns.</summary>");
                Tables.Write(writer, "int", TableName(l.Method, "BlockBase", v), Enumerable.Range(0, l.Blocks).Select(b => Literals.Int(l.Base(b, 0))));
            }
            else
            {
                writer.WriteLine($"/// <summary>{v.Name}: per block of {lanes} output columns, the first input column of each of its {count} taps.</summary>");
                Tables.Write(writer, "int", TableName(l.Method, "BlockBase", v),
                    from b in Enumerable.Range(0, l.Blocks) from t in Enumerable.Range(0, taps) select Literals.Int(l.Base(b, t)));
            }

            writer.WriteLine($"/// <summary>{v.Name}: per block, the lanes of its {count} shuffle{(taps == 1 ? string.Empty : "s")}, relative to {(l.OneWindowPerBlock ? "its first input column" : "each tap's first input column")}.</summary>");
            Tables.Write(writer, index, TableName(l.Method, "BlockShuffle", v), shuffles);
            if (l.HasWeights)
            {
                writer.WriteLine($"/// <summary>{v.Name}: per block, the lanes of its {count} weight vectors.</summary>");
                Tables.Write(writer, l.Element, TableName(l.Method, "BlockWeight", v), blockWeights);
            }

            writer.WriteLine("#endif");
        }

        private static string TableName(string method, string what, VectorWidth width) => $"{method}_{what}{width.Name}";

        /// <summary>
        /// A run of blocks that repeats: after <see cref="Head"/> blocks, blocks <c>Head .. Head + Length - 1</c> repeat
        /// <see cref="Repeats"/> times, each time <see cref="Step"/> input columns and <c>Length</c> blocks further on.
        /// </summary>
        private sealed record Period(int Head, int Length, int Repeats, int Step)
        {
            /// <summary>The first block after the repeats.</summary>
            public int End => Head + (Length * Repeats);
        }

        /// <summary>One layer's sizes, W sampling and blocks at one width, and the names its passes give the rows they read.</summary>
        private sealed class Layout
        {
            public Layout(KernelSignature signature, UpsampleSpec spec, VectorWidth width)
            {
                Signature = signature;
                Width = width;
                Rank = signature.SpatialRank;
                Taps = UpsampleShape.TapsPerAxis(spec.Mode);
                HasWeights = spec.Mode is UpsampleMode.Linear or UpsampleMode.Cubic;
                Lanes = width.Lanes(signature.ElementType);
                InputWidth = signature.InputShape[Rank];
                OutputWidth = signature.OutputShape[Rank];
                InputRows = Enumerable.Range(1, Rank - 1).Aggregate(1, (n, axis) => n * signature.InputShape[axis]);
                OutputRows = Enumerable.Range(1, Rank - 1).Aggregate(1, (n, axis) => n * signature.OutputShape[axis]);
                (Columns, Weights) = UpsampleShape.Sample(spec.Mode, spec.AlignCorners, InputWidth, OutputWidth, spec.Scales[Rank - 1], signature.ElementType, Rank);
                Blocks = OutputWidth / Lanes;
                TapBases = new int[0];
                bool fits = false;
                // The fewest input vectors per window that hold every block's columns: one when upsampling, more when a
                // block of output columns spans more input columns than a vector (downsampling: two at a factor of 1/2).
                for (WindowVectors = 1; WindowVectors <= MaxWindowVectors && !fits; WindowVectors++)
                {
                    TapBases = FirstColumns();
                    fits = InputWidth >= WindowLength && Enumerable.Range(0, Blocks).All(b => Enumerable.Range(0, Lanes).All(lane => Enumerable.Range(0, Taps).All(t =>
                        Column(b, lane, t) - Base(b, t) is var offset && offset >= 0 && offset < WindowLength)));
                }

                WindowVectors--;
                OneWindowPerBlock = Enumerable.Range(0, Blocks).All(SharesWindow);
                readings = fits && Blocks > MaxUnrolledBlocks ? NumberReadings() : new int[0];
                Period = fits ? FindPeriod() : null;
                // The tables of a wide row without a period hold one shuffle per tap: windows of one vector only.
                Fits = fits && (WindowVectors == 1 || !Tabled);
            }

            /// <summary>Input vectors per window, consecutive: 1 unless the layer downsamples.</summary>
            public int WindowVectors { get; }

            /// <summary>The input columns a window holds.</summary>
            public int WindowLength => WindowVectors * Lanes;

            public KernelSignature Signature { get; }

            public VectorWidth Width { get; }

            public string Method => Signature.MethodName;

            public string Element => Signature.ElementKeyword;

            public int Rank { get; }

            /// <summary>Source positions per output position on each axis: nearest 1, linear 2, cubic 4.</summary>
            public int Taps { get; }

            /// <summary>Nearest reads one position and weighs nothing.</summary>
            public bool HasWeights { get; }

            public int Lanes { get; }

            public int InputWidth { get; }

            public int OutputWidth { get; }

            /// <summary>The rows of one input channel: every axis but W (one in 1-D).</summary>
            public int InputRows { get; }

            public int OutputRows { get; }

            /// <summary>Along W: the T source columns of each output column, and their weights.</summary>
            public int[] Columns { get; }

            public double[] Weights { get; }

            /// <summary>Whole vectors of output columns in a row; the columns after them are written one by one.</summary>
            public int Blocks { get; }

            /// <summary>
            /// Per block and tap, the first column of the input vector the tap reads, a whole vector inside the row: the
            /// same for every tap of a block whose window fits in one vector, else each tap's own.
            /// </summary>
            private int[] TapBases { get; }

            public int Base(int block, int tap) => TapBases[(block * Taps) + tap];

            /// <summary>
            /// Per block and tap, the first column of its window: the block's first source column when all of them lie
            /// within a window, else the tap's own; moved left to keep the window inside the row.
            /// </summary>
            private int[] FirstColumns()
            {
                var firsts = new int[Blocks * Taps];
                for (int b = 0; b < Blocks; b++)
                {
                    int blockMin = int.MaxValue, blockMax = int.MinValue;
                    for (int i = b * Lanes * Taps; i < (b + 1) * Lanes * Taps; i++)
                    {
                        blockMin = Math.Min(blockMin, Columns[i]);
                        blockMax = Math.Max(blockMax, Columns[i]);
                    }

                    for (int t = 0; t < Taps; t++)
                    {
                        int first = blockMin;
                        if (blockMax - blockMin >= WindowLength)
                        {
                            first = int.MaxValue;
                            for (int lane = 0; lane < Lanes; lane++)
                            {
                                first = Math.Min(first, Column(b, lane, t));
                            }
                        }

                        firsts[(b * Taps) + t] = Math.Min(first, InputWidth - WindowLength);
                    }
                }

                return firsts;
            }

            /// <summary>Every tap of the block reads one input vector.</summary>
            public bool SharesWindow(int block) => Enumerable.Range(1, Taps - 1).All(t => Base(block, t) == Base(block, 0));

            /// <summary>Per block of a wide row, the number of its way of reading its input (<see cref="NumberReadings"/>).</summary>
            private readonly int[] readings;

            /// <summary>Every block reads one input vector for all its taps (the tables then hold a first column per block).</summary>
            public bool OneWindowPerBlock { get; }

            /// <summary>The input row holds a window, and every tap of every block reads inside its window (<see cref="WindowVectors"/>).</summary>
            public bool Fits { get; }

            /// <summary>
            /// Rows of more blocks than are written out: a repeating run of blocks when the row has one (below), else
            /// every block's first input column, shuffles and weights read from tables.
            /// </summary>
            public bool Tabled => Blocks > MaxUnrolledBlocks && Period is null;

            /// <summary>The blocks whose shuffles and weights are constants: every block of a short row; the head, one period and the tail of a periodic row.</summary>
            public IEnumerable<int> ConstantBlocks => Tabled ? Enumerable.Empty<int>()
                : Period is { } p ? Enumerable.Range(0, p.Head + p.Length).Concat(Enumerable.Range(p.End, Blocks - p.End))
                : Enumerable.Range(0, Blocks);

            /// <summary>
            /// A wide row's blocks repeat when the factor is a ratio of small numbers: at a factor of 2 every block reads
            /// its input vector the same way, 8 input columns after the one before; at 1.5, every third block. The
            /// shortest period (at most <see cref="MaxUnrolledBlocks"/> blocks) after a few different head blocks (the
            /// left edge clamps) whose repeats reach all but a few tail blocks (the right edge), if there is one: the
            /// row then loops over its periods with constant shuffles, and needs no table and no variable shuffle.
            /// </summary>
            public Period? Period { get; }

            private Period? FindPeriod()
            {
                if (Blocks <= MaxUnrolledBlocks)
                {
                    return null;
                }

                Period? best = null;
                for (int length = 1; length <= MaxUnrolledBlocks; length++)
                {
                    for (int head = 0; head <= MaxHeadBlocks && head + (2 * length) <= Blocks; head++)
                    {
                        int step = Base(head + length, 0) - Base(head, 0);
                        int end = head + length;
                        while (end < Blocks && readings[end] == readings[end - length] && Base(end, 0) - Base(end - length, 0) == step)
                        {
                            end++;
                        }

                        int repeats = (end - head) / length;
                        int tail = Blocks - (head + (repeats * length));
                        if (repeats >= 2 && head + tail <= MaxUnrolledBlocks && (best is null || head + length + tail < best.Head + best.Length + (Blocks - best.End)))
                        {
                            best = new Period(head, length, repeats, step);
                        }
                    }
                }

                return best;
            }

            /// <summary>
            /// Numbers the ways blocks read their input: blocks with the same number have the same distances between their
            /// taps' first columns, the same shuffles from them and the same weights, so one block's code, moved by the
            /// difference of their first columns, is the other's. Computed once, so that looking for a period compares
            /// numbers (hashing each block once; the first version compared every lane of every block for each
            /// candidate period, and took half of the generator's time on a project of 47 kernels).
            /// </summary>
            private int[] NumberReadings()
            {
                var numbers = new int[Blocks];
                var byHash = new Dictionary<int, List<int>>();
                int count = 0;
                for (int b = 0; b < Blocks; b++)
                {
                    int hash = ReadingHash(b);
                    if (!byHash.TryGetValue(hash, out List<int>? firsts))
                    {
                        firsts = new List<int>();
                        byHash.Add(hash, firsts);
                    }

                    int alike = firsts.FindIndex(c => ReadsAlike(b, c));
                    if (alike >= 0)
                    {
                        numbers[b] = numbers[firsts[alike]];
                    }
                    else
                    {
                        firsts.Add(b);
                        numbers[b] = count++;
                    }
                }

                return numbers;
            }

            private int ReadingHash(int b)
            {
                unchecked
                {
                    int hash = 17;
                    for (int t = 0; t < Taps; t++)
                    {
                        hash = (hash * 31) + Base(b, t) - Base(b, 0);
                        for (int lane = 0; lane < Lanes; lane++)
                        {
                            hash = (((hash * 31) + Column(b, lane, t) - Base(b, t)) * 31) + ColumnWeight(b, lane, t).GetHashCode();
                        }
                    }

                    return hash;
                }
            }

            private bool ReadsAlike(int b, int c)
            {
                for (int t = 0; t < Taps; t++)
                {
                    if (Base(b, t) - Base(b, 0) != Base(c, t) - Base(c, 0))
                    {
                        return false;
                    }

                    for (int lane = 0; lane < Lanes; lane++)
                    {
                        if (Column(b, lane, t) - Base(b, t) != Column(c, lane, t) - Base(c, t) || ColumnWeight(b, lane, t) != ColumnWeight(c, lane, t))
                        {
                            return false;
                        }
                    }
                }

                return true;
            }

            public int Column(int block, int lane, int tap) => Columns[(((block * Lanes) + lane) * Taps) + tap];

            public double ColumnWeight(int block, int lane, int tap) => Weights[(((block * Lanes) + lane) * Taps) + tap];

            /// <summary>Row <paramref name="u"/> of a plane: upper and lower for linear, one nearest, row0 to row3 for cubic.</summary>
            public string RowName(int u) => Taps switch { 1 => "nearest", 2 => u == 0 ? "upper" : "lower", _ => $"row{u}" };

            /// <summary>Plane <paramref name="t"/> of a 3-D layer: front and back for linear, none for nearest, plane0 to plane3 otherwise.</summary>
            public string PlaneName(int t) => Taps switch { 1 => string.Empty, 2 => t == 0 ? "front" : "back", _ => $"plane{t}" };

            /// <summary>Row <paramref name="u"/> of plane <paramref name="t"/>: the plane's name and the row's, in 3-D; the row's in 2-D.</summary>
            public string RowName(int t, int u) => Rank < 3 || PlaneName(t).Length == 0 ? RowName(u) : PlaneName(t) + char.ToUpperInvariant(RowName(u)[0]) + RowName(u).Substring(1);
        }
    }
}
