using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Conv1x1
{
    /// <summary>
    /// The vector form of a 1x1 convolution: per group, the matrix product output[M x N] = weight[M x K] * input[K x N]
    /// with M output channels, K input channels and N positions, blocked into tiles of 4 output channels by 3 vectors
    /// of positions held in 12 registers while the whole K loop runs (the broadcast-and-FMA micro-kernel); by 2 vectors
    /// with Vector128, whose machines may have 16 registers and no FMA (each product then needs a register of its own);
    /// with 32 registers (AVX-512), 8 output channels by 3 vectors, 24 accumulators, as the convolution tiles hold.
    /// Where the input's channels crowd into a few L1 sets and a tile reads part of a line of each (<see cref="CacheSets"/>),
    /// the tiles read a copy with the channels further apart (measured, Vector128 without AVX2: 64->64 over 32x32,
    /// 276-283 -> 242-245 us; the same layer over 33x33, 245-248 us).
    /// </summary>
    internal static class Conv1x1GemmEmitter
    {
        /// <summary>Output channels per tile with 16 registers; twice as many with 32.</summary>
        private const int RowsPerTile = 4;

        /// <summary>Vectors of positions per tile where the width's registers allow (with Vector128, which may lack FMA, 2).</summary>
        private const int MostVectorsPerTile = 3;

        public static void WriteMethods(IndentedWriter writer, KernelSignature signature, Conv1x1Spec spec)
        {
            foreach (VectorWidth width in VectorWidth.All)
            {
                WriteMethod(writer, signature, spec, width);
            }
        }

        private static void WriteMethod(IndentedWriter writer, KernelSignature signature, Conv1x1Spec spec, VectorWidth width)
        {
            var gemm = new Gemm(signature, spec, width);
            if (ParallelParts.Applies((long)gemm.M * gemm.K * gemm.N * spec.Groups, gemm.Units(spec.Groups)))
            {
                WriteParallelMethod(writer, signature, spec, width, gemm);
                return;
            }

            string element = signature.ElementKeyword;
            string bias = signature.BiasParameter is null ? string.Empty : $"global::System.ReadOnlySpan<{element}> bias, ";
            using (width.BeginMethod(writer, signature.MethodName, $"global::System.ReadOnlySpan<{element}> input, global::System.ReadOnlySpan<{element}> weight, {bias}global::System.Span<{element}> output{gemm.Epilogue.Parameter}",
                $"One sample with {width.Name}: per group, [{gemm.M} x {gemm.K}] * [{gemm.K} x {gemm.N}] in tiles of {gemm.RowsPerTile} x {gemm.VectorsPerTile * gemm.Lanes}."))
            {
                writer.WriteLine(Code.StartRef(element, "input"));
                writer.WriteLine(Code.StartRef(element, "weight"));
                writer.WriteLine(Code.StartRef(element, "output"));
                gemm.Epilogue.WriteStart(writer);
                WithSource(writer, gemm, element, spec.Groups, source => WriteGroups(writer, gemm, element, spec.Groups, source + "Start"));
            }
        }

        /// <summary>
        /// Writes <paramref name="body"/> over the input the tiles read, named by its argument: the input itself, or where
        /// its channels crowd into a few L1 sets (see <see cref="CacheSets"/>) a pooled copy with them a few lines further apart.
        /// </summary>
        private static void WithSource(IndentedWriter writer, Gemm gemm, string element, int groups, Action<string> body)
        {
            if (gemm.ChannelSlack == 0)
            {
                body("input");
                return;
            }

            int length = groups * gemm.K * gemm.InputStride;
            writer.WriteLine(CacheSets.SpacedCopyComment(gemm.InputStride));
            writer.WriteLine(CacheSets.SlackComment(gemm.ChannelSlack, (long)gemm.N * gemm.ElementBytes));
            writer.WriteLine($"{element}[] rented = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({length});");
            using (writer.Block("try"))
            {
                writer.WriteLine($"global::System.Span<{element}> spaced = global::System.MemoryExtensions.AsSpan(rented, 0, {length});");
                writer.WriteLine(Code.StartRef(element, "spaced"));
                using (writer.Block($"for (int c = 0; c < {groups * gemm.K}; c++)"))
                {
                    writer.WriteLine(Code.CopyElements(element, "spacedStart", Code.Times("c", gemm.InputStride), "inputStart", Code.Times("c", gemm.N), gemm.N));
                }

                body("spaced");
            }

            using (writer.Block("finally"))
            {
                writer.WriteLine($"global::System.Buffers.ArrayPool<{element}>.Shared.Return(rented);");
            }
        }

        /// <summary>
        /// The product split across the workers (<see cref="ParallelParts"/>): a unit is one group's block of columns (a
        /// tile of positions, or the positions after the last whole tile) for a block of row tiles, so that wide layers
        /// split by positions and deep ones by output channels.
        /// </summary>
        private static void WriteParallelMethod(IndentedWriter writer, KernelSignature signature, Conv1x1Spec spec, VectorWidth width, Gemm gemm)
        {
            string element = signature.ElementKeyword, method = $"{signature.MethodName}_{width.Name}";
            string span = $"global::System.ReadOnlySpan<{element}>";
            string bias = signature.BiasParameter is null ? string.Empty : $"{span} bias, ";
            int units = gemm.Units(spec.Groups);
            List<ParallelParts.Span> Spans(string source) => ParallelParts.Weighted(source, signature.BiasParameter is not null, gemm.Epilogue.AddsResidual);

            using (width.BeginMethod(writer, signature.MethodName, $"{span} input, {span} weight, {bias}global::System.Span<{element}> output{gemm.Epilogue.Parameter}",
                $"One sample with {width.Name}: per group, [{gemm.M} x {gemm.K}] * [{gemm.K} x {gemm.N}] in tiles of {gemm.RowsPerTile} x {gemm.VectorsPerTile * gemm.Lanes}, split across the workers."))
            {
                if (gemm.ChannelSlack > 0)
                {
                    writer.WriteLine(Code.StartRef(element, "input"));
                }

                WithSource(writer, gemm, element, spec.Groups, source => ParallelParts.WriteRun(writer, method, units, element, Spans(source)));
            }

            var spans = Spans("source");
            int columnUnits = gemm.ColumnUnits, rowBlocks = gemm.RowBlocks(spec.Groups), rowTiles = gemm.M / gemm.RowsPerTile;
            using (ParallelParts.BeginUnits(writer, method, element, spans,
                $"Units [first, end) of {units}: unit u is group u / {columnUnits * rowBlocks}, column block u / {rowBlocks} % {columnUnits} ({gemm.FullColumnTiles} tile(s) of {gemm.VectorsPerTile * gemm.Lanes} positions, then the rest), row block u % {rowBlocks} of {rowTiles} row tile(s)."))
            {
                writer.WriteLine(Code.StartRef(element, "source"));
                writer.WriteLine(Code.StartRef(element, "weight"));
                writer.WriteLine(Code.StartRef(element, "output"));
                gemm.Epilogue.WriteStart(writer);
                using (writer.Block("for (int u = first; u < end; u++)"))
                {
                    writer.WriteLine(spec.Groups == 1 ? "const int g = 0;" : $"int g = u / {columnUnits * rowBlocks};");
                    writer.WriteLine($"int column = u / {rowBlocks} % {columnUnits}, block = u % {rowBlocks};");
                    writer.WriteLine($"int firstRow = block * {rowTiles} / {rowBlocks} * {gemm.RowsPerTile}, endRow = (block + 1) * {rowTiles} / {rowBlocks} * {gemm.RowsPerTile};");
                    writer.WriteLine($"bool lastBlock = block == {rowBlocks - 1};");
                    WriteGroup(writer, gemm, element, "sourceStart", new RowRange("firstRow", "endRow", "lastBlock"));
                }
            }

            ParallelParts.WriteMembers(writer, method, units, element, spans);
        }

        /// <summary>The row tiles a unit computes: whole tiles in [first, end), and the rows after the last whole tile when it is the last block.</summary>
        private sealed record RowRange(string First, string End, string IsLast);

        private static void WriteGroups(IndentedWriter writer, Gemm gemm, string element, int groups, string input)
        {
            if (groups == 1)
            {
                writer.WriteLine("const int g = 0;");
                WriteGroup(writer, gemm, element, input);
            }
            else
            {
                using (writer.Block($"for (int g = 0; g < {groups}; g++)"))
                {
                    WriteGroup(writer, gemm, element, input);
                }
            }
        }

        /// <param name="rows">The unit's row tiles and column block, in the parallel form; null for every row and column.</param>
        private static void WriteGroup(IndentedWriter writer, Gemm gemm, string element, string input, RowRange? rows = null)
        {
            writer.WriteLine(Code.Derive(element, "x", input, $"g * {gemm.K * gemm.InputStride}"));
            writer.WriteLine(Code.Derive(element, "w", "weightStart", $"g * {gemm.M * gemm.K}"));
            writer.WriteLine(Code.Derive(element, "y", "outputStart", $"g * {gemm.M * gemm.N}"));
            if (gemm.Epilogue.AddsResidual)
            {
                writer.WriteLine(Code.Derive(element, "r", "residualStart", $"g * {gemm.M * gemm.N}"));
            }

            int tileColumns = gemm.VectorsPerTile * gemm.Lanes;
            int fullColumns = gemm.FullColumnTiles * tileColumns;
            if (fullColumns > 0)
            {
                // Every tile of columns here; in the parallel form, the unit's one.
                using (Open(writer, rows is null ? $"for (int n = 0; n < {fullColumns}; n += {tileColumns})" : gemm.HasRest ? $"if (column < {gemm.FullColumnTiles})" : string.Empty))
                {
                    if (rows is not null)
                    {
                        writer.WriteLine($"int n = column * {tileColumns};");
                    }

                    WriteRowTiles(writer, gemm, element, gemm.VectorsPerTile, "n", rows);
                }
            }

            if (!gemm.HasRest)
            {
                return;
            }

            IDisposable? otherwise = rows is not null && fullColumns > 0 ? writer.Block("else") : null;
            WriteRest(writer, gemm, element, fullColumns, rows);
            otherwise?.Dispose();
        }

        /// <summary>A block under <paramref name="header"/>, or a bare block for an empty one.</summary>
        private static IndentedWriter.Scope Open(IndentedWriter writer, string header) => header.Length == 0 ? writer.Block() : writer.Block(header);

        /// <summary>The positions after the last whole tile of columns: whole vectors, then a last vector or the last positions one by one.</summary>
        private static void WriteRest(IndentedWriter writer, Gemm gemm, string element, int fullColumns, RowRange? rows)
        {
            int restVectors = (gemm.N - fullColumns) / gemm.Lanes;
            if (restVectors > 0)
            {
                WriteRowTiles(writer, gemm, element, restVectors, Literals.Int(fullColumns), rows);
            }

            int tail = gemm.N - fullColumns - (restVectors * gemm.Lanes);
            if (tail > 0 && gemm.N >= gemm.Lanes)
            {
                // A whole vector rather than a scalar tail: the positions it shares with the vector before get the same
                // products summed in the same order, so they are written again with the same values.
                writer.WriteLine($"// The last {tail} position(s), fewer than a vector: one vector ending at the last position, overlapping the one before.");
                WriteRowTiles(writer, gemm, element, 1, Literals.Int(gemm.N - gemm.Lanes), rows);
            }
            else if (tail > 0)
            {
                writer.WriteLine($"// The last {tail} position(s), fewer than a vector.");
                string rowLoop = rows is null ? $"for (int m = 0; m < {gemm.M}; m++)" : $"for (int m = {rows.First}, last = {rows.IsLast} ? {gemm.M} : {rows.End}; m < last; m++)";
                using (writer.Block(rowLoop))
                {
                    using (writer.Block($"for (int n = {gemm.N - tail}; n < {gemm.N}; n++)"))
                    {
                        writer.WriteLine($"{element} sum = {(gemm.HasBias ? $"bias[g * {gemm.M} + m]" : Literals.Real(0, gemm.Element))};");
                        using (writer.Block($"for (int k = 0; k < {gemm.K}; k++)"))
                        {
                            writer.WriteLine($"sum += {Code.At("w", $"m * {gemm.K} + k")} * {Code.At("x", $"k * {gemm.InputStride} + n")};");
                        }

                        writer.WriteLine($"{Code.At("y", $"m * {gemm.N} + n")} = {gemm.Epilogue.FinishScalar("sum", "r", $"m * {gemm.N} + n")};");
                    }
                }
            }
        }

        /// <param name="rows">In the parallel form, the unit's whole row tiles and whether it takes the rows after them.</param>
        private static void WriteRowTiles(IndentedWriter writer, Gemm gemm, string element, int vectors, string column, RowRange? rows = null)
        {
            int rowsPerTile = gemm.RowsPerTile;
            int fullRows = gemm.M / rowsPerTile * rowsPerTile;
            if (fullRows > 0)
            {
                using (writer.Block(rows is null ? $"for (int m = 0; m < {fullRows}; m += {rowsPerTile})" : $"for (int m = {rows.First}; m < {rows.End}; m += {rowsPerTile})"))
                {
                    WriteTile(writer, gemm, element, rowsPerTile, vectors, "m", column);
                }
            }

            if (gemm.M % rowsPerTile > 0)
            {
                using (Open(writer, rows is null ? string.Empty : $"if ({rows.IsLast})"))
                {
                    WriteTile(writer, gemm, element, gemm.M % rowsPerTile, vectors, Literals.Int(fullRows), column);
                }
            }
        }

        /// <summary>
        /// rows x vectors accumulators; each k broadcasts one weight per row and loads one input vector per column, at
        /// constant offsets from row k of the input and column k of the weights (<see cref="ChannelLoop"/>).
        /// </summary>
        private static void WriteTile(IndentedWriter writer, Gemm gemm, string element, int rows, int vectors, string row, string column)
        {
            VectorWidth v = gemm.Width;
            for (int i = 0; i < rows; i++)
            {
                string start = gemm.HasBias ? v.Broadcast($"bias[g * {gemm.M} + {Code.Affine(row, 1, i)}]") : $"{v.Type}<{element}>.Zero";
                writer.WriteLine($"{v.Type}<{element}> {string.Join(", ", Enumerable.Range(0, vectors).Select(j => $"c{i}{j} = {start}"))};");
            }

            writer.WriteLine(Code.Derive(element, "xn", "x", column));
            writer.WriteLine(Code.Derive(element, "wm", "w", $"{Code.Times(row, gemm.K)}"));
            ChannelLoop.Write(writer, element, "k", gemm.K, new[] { ("xk", "xn", gemm.InputStride), ("wk", "wm", 1) }, () =>
            {
                for (int j = 0; j < vectors; j++)
                {
                    writer.WriteLine($"var b{j} = {v.Load("xk", Literals.Int(j * gemm.Lanes))};");
                }

                for (int i = 0; i < rows; i++)
                {
                    writer.WriteLine($"var a{i} = {v.Broadcast(Code.At("wk", Literals.Int(i * gemm.K)))};");
                    for (int j = 0; j < vectors; j++)
                    {
                        writer.WriteLine($"c{i}{j} = {v.Fma($"a{i}", $"b{j}", $"c{i}{j}")};");
                    }
                }
            });

            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    string outputRow = Code.Affine(row, 1, i);
                    string offset = $"{Code.Times(outputRow.Contains(" ") ? $"({outputRow})" : outputRow, gemm.N)} + {Code.Affine(column, 1, j * gemm.Lanes)}";
                    writer.WriteLine(v.Store(gemm.Epilogue.Finish($"c{i}{j}", "r", offset), "y", offset));
                }
            }
        }

        /// <summary>The product's sizes for one group.</summary>
        private sealed class Gemm
        {
            /// <summary>The residual and the activation each stored sum takes.</summary>
            public Epilogue Epilogue { get; }

            public Gemm(KernelSignature signature, Conv1x1Spec spec, VectorWidth width)
            {
                Epilogue = Conv1x1Operator.Instance.EpilogueOf(signature, spec, width);
                M = signature.OutputShape[0] / spec.Groups;
                K = signature.InputShape[0] / spec.Groups;
                N = (int)ShapeText.ElementCount(signature.InputShape.Skip(1).ToArray());
                Width = width;
                Element = signature.ElementType;
                Lanes = width.Lanes(signature.ElementType);
                RowsPerTile = width.Registers >= 32 ? 2 * Conv1x1GemmEmitter.RowsPerTile : Conv1x1GemmEmitter.RowsPerTile;
                VectorsPerTile = Math.Min(MostVectorsPerTile, (width.Registers >= 32 ? 24 : width.TileAccumulators) / RowsPerTile);
                HasBias = signature.BiasParameter is not null;
                ChannelSlack = CacheSets.StrideSlack(N, ElementBytes, K, VectorsPerTile * width.Bytes);
            }

            public int ElementBytes => Element.Bytes();

            /// <summary>Whole tiles of columns (positions) in a row of the product.</summary>
            public int FullColumnTiles => N / (VectorsPerTile * Lanes);

            /// <summary>Positions after the last whole tile of columns.</summary>
            public bool HasRest => N % (VectorsPerTile * Lanes) > 0;

            /// <summary>Blocks of columns per group in the parallel form: each whole tile, then the rest.</summary>
            public int ColumnUnits => FullColumnTiles + (HasRest ? 1 : 0);

            /// <summary>Blocks of row tiles per column block: as many as bring the units near <see cref="ParallelParts.TargetUnits"/>, at most one per tile.</summary>
            public int RowBlocks(int groups) =>
                Math.Max(1, Math.Min(M / RowsPerTile, (ParallelParts.TargetUnits + (groups * ColumnUnits) - 1) / (groups * ColumnUnits)));

            /// <summary>The units of the parallel form: groups x column blocks x row blocks.</summary>
            public int Units(int groups) => groups * ColumnUnits * RowBlocks(groups);

            /// <summary>Unused elements after each input channel of the copy the tiles read; 0 when they read the input itself.</summary>
            public int ChannelSlack { get; }

            /// <summary>The step from one input channel to the next where the tiles read.</summary>
            public int InputStride => N + ChannelSlack;

            public int M { get; }

            public int K { get; }

            public int N { get; }

            public VectorWidth Width { get; }

            public ElementType Element { get; }

            public int Lanes { get; }

            public int RowsPerTile { get; }

            public int VectorsPerTile { get; }

            public bool HasBias { get; }
        }
    }
}
