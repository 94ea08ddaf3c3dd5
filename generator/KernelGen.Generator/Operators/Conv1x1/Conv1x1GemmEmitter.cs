using System;
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
            string element = signature.ElementKeyword;
            string bias = signature.BiasParameter is null ? string.Empty : $"global::System.ReadOnlySpan<{element}> bias, ";
            using (width.BeginMethod(writer, signature.MethodName, $"global::System.ReadOnlySpan<{element}> input, global::System.ReadOnlySpan<{element}> weight, {bias}global::System.Span<{element}> output{gemm.Epilogue.Parameter}",
                $"One sample with {width.Name}: per group, [{gemm.M} x {gemm.K}] * [{gemm.K} x {gemm.N}] in tiles of {gemm.RowsPerTile} x {gemm.VectorsPerTile * gemm.Lanes}."))
            {
                writer.WriteLine(Code.StartRef(element, "input"));
                writer.WriteLine(Code.StartRef(element, "weight"));
                writer.WriteLine(Code.StartRef(element, "output"));
                gemm.Epilogue.WriteStart(writer);
                if (gemm.ChannelSlack == 0)
                {
                    WriteGroups(writer, gemm, element, spec.Groups, "inputStart");
                    return;
                }

                // Channels whose rows crowd into a few L1 sets (see CacheSets) are copied a few lines further apart.
                int length = spec.Groups * gemm.K * gemm.InputStride;
                writer.WriteLine(CacheSets.SpacedCopyComment(gemm.InputStride));
                writer.WriteLine(CacheSets.SlackComment(gemm.ChannelSlack, (long)gemm.N * gemm.ElementBytes));
                writer.WriteLine($"{element}[] rented = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({length});");
                using (writer.Block("try"))
                {
                    writer.WriteLine($"global::System.Span<{element}> spaced = global::System.MemoryExtensions.AsSpan(rented, 0, {length});");
                    writer.WriteLine(Code.StartRef(element, "spaced"));
                    using (writer.Block($"for (int c = 0; c < {spec.Groups * gemm.K}; c++)"))
                    {
                        writer.WriteLine(Code.CopyElements(element, "spacedStart", Code.Times("c", gemm.InputStride), "inputStart", Code.Times("c", gemm.N), gemm.N));
                    }

                    WriteGroups(writer, gemm, element, spec.Groups, "spacedStart");
                }

                using (writer.Block("finally"))
                {
                    writer.WriteLine($"global::System.Buffers.ArrayPool<{element}>.Shared.Return(rented);");
                }
            }
        }

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

        private static void WriteGroup(IndentedWriter writer, Gemm gemm, string element, string input)
        {
            writer.WriteLine(Code.Derive(element, "x", input, $"g * {gemm.K * gemm.InputStride}"));
            writer.WriteLine(Code.Derive(element, "w", "weightStart", $"g * {gemm.M * gemm.K}"));
            writer.WriteLine(Code.Derive(element, "y", "outputStart", $"g * {gemm.M * gemm.N}"));
            if (gemm.Epilogue.AddsResidual)
            {
                writer.WriteLine(Code.Derive(element, "r", "residualStart", $"g * {gemm.M * gemm.N}"));
            }
            int tileColumns = gemm.VectorsPerTile * gemm.Lanes;
            int fullColumns = gemm.N / tileColumns * tileColumns;
            if (fullColumns > 0)
            {
                using (writer.Block($"for (int n = 0; n < {fullColumns}; n += {tileColumns})"))
                {
                    WriteRowTiles(writer, gemm, element, gemm.VectorsPerTile, "n");
                }
            }

            int restVectors = (gemm.N - fullColumns) / gemm.Lanes;
            if (restVectors > 0)
            {
                WriteRowTiles(writer, gemm, element, restVectors, Literals.Int(fullColumns));
            }

            int tail = gemm.N - fullColumns - (restVectors * gemm.Lanes);
            if (tail > 0 && gemm.N >= gemm.Lanes)
            {
                // A whole vector rather than a scalar tail: the positions it shares with the vector before get the same
                // products summed in the same order, so they are written again with the same values.
                writer.WriteLine($"// The last {tail} position(s), fewer than a vector: one vector ending at the last position, overlapping the one before.");
                WriteRowTiles(writer, gemm, element, 1, Literals.Int(gemm.N - gemm.Lanes));
            }
            else if (tail > 0)
            {
                writer.WriteLine($"// The last {tail} position(s), fewer than a vector.");
                using (writer.Block($"for (int m = 0; m < {gemm.M}; m++)"))
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

        private static void WriteRowTiles(IndentedWriter writer, Gemm gemm, string element, int vectors, string column)
        {
            int rowsPerTile = gemm.RowsPerTile;
            int fullRows = gemm.M / rowsPerTile * rowsPerTile;
            if (fullRows > 0)
            {
                using (writer.Block($"for (int m = 0; m < {fullRows}; m += {rowsPerTile})"))
                {
                    WriteTile(writer, gemm, element, rowsPerTile, vectors, "m", column);
                }
            }

            if (gemm.M % rowsPerTile > 0)
            {
                using (writer.Block())
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
