using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Upsample
{
    /// <summary>
    /// The vector form of linear upsampling in every rank, separable as PyTorch computes it (the innermost axis first):
    /// first along W, each block of output columns from one vector of input columns rearranged by two constant shuffles
    /// and weighted by two constant weight vectors; then along H (2-D), each output row a weighted sum of two of those
    /// rows, or along H and D (3-D), of four, whole vectors at a time. A 1-D layer is the first pass alone, written
    /// straight into the output.
    /// </summary>
    internal static class UpsampleVectorEmitter
    {
        /// <summary>The most bytes of W-interpolated rows kept on the stack; more come from the pool.</summary>
        private const int StackLimitBytes = 16 * 1024;

        /// <summary>
        /// Blocks of output columns whose shuffles and weights are written out as constants; a wider row reads them
        /// from tables in a loop, so that neither the source nor the stack grows with the width.
        /// </summary>
        private const int MaxUnrolledBlocks = 8;

        /// <summary>The widths this layer can use: the input row holds a whole vector, and each block of output columns reads fewer input columns than a vector has lanes.</summary>
        public static VectorWidth[] Widths(KernelSignature signature, UpsampleSpec spec)
        {
            int rank = signature.SpatialRank;
            if (spec.Mode != UpsampleMode.Linear || rank is < 1 or > 3)
            {
                return new VectorWidth[0];
            }

            int inputWidth = signature.InputShape[rank], outputWidth = signature.OutputShape[rank];
            var (index, _) = UpsampleShape.Sample(spec.Mode, spec.AlignCorners, inputWidth, outputWidth, spec.Scales[rank - 1], signature.ElementType, rank);
            return VectorWidth.All.Where(width =>
            {
                int lanes = width.Lanes(signature.ElementType);
                return inputWidth >= lanes && Enumerable.Range(0, outputWidth / lanes).All(block =>
                {
                    var sources = index.Skip(block * lanes * 2).Take(lanes * 2).ToArray();
                    return sources.Max() - sources.Min() < lanes;
                });
            }).ToArray();
        }

        /// <summary>
        /// What a width's method needs beyond acceleration, or null: wide rows read their shuffles from tables, and a
        /// shuffle by indices that are not constant is one instruction only where the hardware has a variable permute.
        /// </summary>
        public static string? Condition(KernelSignature signature, VectorWidth width) =>
            ReadsTables(signature.OutputShape[signature.SpatialRank] / width.Lanes(signature.ElementType)) ? width.VariableShuffleCondition : null;

        /// <summary>Rows of more blocks than are written out loop over them, reading each block's shuffles and weights from tables.</summary>
        private static bool ReadsTables(int blocks) => blocks > MaxUnrolledBlocks;

        public static void WriteMethods(IndentedWriter writer, KernelSignature signature, UpsampleSpec spec)
        {
            foreach (VectorWidth width in Widths(signature, spec))
            {
                WriteMethod(writer, signature, spec, width);
            }
        }

        private static void WriteMethod(IndentedWriter writer, KernelSignature signature, UpsampleSpec spec, VectorWidth v)
        {
            string element = signature.ElementKeyword, index = VectorWidth.IndexType(signature.ElementType);
            int lanes = v.Lanes(signature.ElementType);
            int rank = signature.SpatialRank;
            int channels = signature.InputShape[0], inW = signature.InputShape[rank], outW = signature.OutputShape[rank];

            // The input's rows (every axis but W), and the output's: one of each in 1-D.
            int inRows = Enumerable.Range(1, rank - 1).Aggregate(1, (n, axis) => n * signature.InputShape[axis]);
            int outRows = Enumerable.Range(1, rank - 1).Aggregate(1, (n, axis) => n * signature.OutputShape[axis]);
            var (columns, columnWeights) = UpsampleShape.Sample(spec.Mode, spec.AlignCorners, inW, outW, spec.Scales[rank - 1], signature.ElementType, rank);
            string method = signature.MethodName;
            int blocks = outW / lanes;
            int[] bases = BlockBases(columns, blocks, lanes, inW);
            string passes = rank switch
            {
                1 => $"along W by constant shuffles, straight into the output",
                2 => $"along W by constant shuffles into [{inRows} x {outW}] rows, then along H by whole vectors",
                _ => $"along W by constant shuffles into [{signature.InputShape[1]} x {signature.InputShape[2]} x {outW}] rows, then along H and D by whole vectors",
            };
            using (v.BeginMethod(writer, method, $"global::System.ReadOnlySpan<{element}> input, global::System.Span<{element}> output", $"One sample with {v.Name}: {passes}."))
            {
                writer.WriteLine(Code.StartRef(element, "input"));
                writer.WriteLine(Code.StartRef(element, "output"));
                int rowsLength = rank == 1 ? 0 : inRows * outW;
                bool pooled = rowsLength * (signature.ElementType == ElementType.Float ? 4 : 8) > StackLimitBytes;
                if (pooled)
                {
                    writer.WriteLine($"// [{inRows} x {outW}] rows are too many for the stack: borrowed from the pool, no allocation once it holds one.");
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
                    writer.WriteLine($"global::System.ReadOnlySpan<int> index{axis} = {method}_SourceIndex{axis};");
                    writer.WriteLine($"global::System.ReadOnlySpan<{element}> weight{axis} = {method}_SourceWeight{axis};");
                }

                bool tabled = ReadsTables(blocks);
                if (tabled)
                {
                    writer.WriteLine($"// {blocks} blocks of {lanes} output columns: each block's first input column, shuffles and weights come from tables.");
                    writer.WriteLine(Code.TableRef("int", "blockBase", TableName(method, "BlockBase", v)));
                    writer.WriteLine(Code.TableRef(index, "blockShuffle", TableName(method, "BlockShuffle", v)));
                    writer.WriteLine(Code.TableRef(element, "blockWeight", TableName(method, "BlockWeight", v)));
                }

                for (int b = 0; b < (tabled ? 0 : blocks); b++)
                {
                    string Lanes(System.Func<int, string> value) => string.Join(", ", Enumerable.Range(0, lanes).Select(value));
                    writer.WriteLine($"// Output columns {b * lanes}..{(b * lanes) + lanes - 1} read input columns {bases[b]}..{bases[b] + lanes - 1}.");
                    for (int t = 0; t < 2; t++)
                    {
                        writer.WriteLine($"var shuffle{t}_{b} = {v.Type}.Create({Lanes(lane => Literals.Int(columns[(((b * lanes) + lane) * 2) + t] - bases[b]) + (index == "long" ? "L" : string.Empty))});");
                        writer.WriteLine($"var weight{t}_{b} = {v.Type}.Create({Lanes(lane => Literals.Real(columnWeights[(((b * lanes) + lane) * 2) + t], signature.ElementType))});");
                    }
                }

                var poolScope = pooled ? writer.Block("try") : (IndentedWriter.Scope?)null;
                using (writer.Block($"for (int c = 0; c < {channels}; c++)"))
                {
                    writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times("c", inRows * inW)));
                    if (rank == 1)
                    {
                        writer.WriteLine(Code.Derive(element, "source", "x", "0"));
                        writer.WriteLine(Code.Derive(element, "target", "outputStart", Code.Times("c", outW)));
                        WriteRowPass(writer, signature, v, columns, columnWeights, bases, lanes, blocks, outW, tabled);
                    }
                    else
                    {
                        using (writer.Block($"for (int row = 0; row < {inRows}; row++)"))
                        {
                            writer.WriteLine(Code.Derive(element, "source", "x", Code.Times("row", inW)));
                            writer.WriteLine(Code.Derive(element, "target", "rowsStart", Code.Times("row", outW)));
                            WriteRowPass(writer, signature, v, columns, columnWeights, bases, lanes, blocks, outW, tabled);
                        }

                        writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times("c", outRows * outW)));
                        if (rank == 2)
                        {
                            WritePlanePass(writer, signature, v, lanes, blocks, outW, tabled);
                        }
                        else
                        {
                            WriteVolumePass(writer, signature, v, lanes, blocks, outW, tabled);
                        }
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

            if (ReadsTables(blocks))
            {
                WriteBlockTables(writer, signature, v, columns, columnWeights, bases, lanes);
            }
        }

        /// <summary>Along W: the row at <c>source</c> into the row at <c>target</c>, a block of output columns per vector.</summary>
        private static void WriteRowPass(IndentedWriter writer, KernelSignature signature, VectorWidth v, int[] columns, double[] columnWeights, int[] bases, int lanes, int blocks, int outW, bool tabled)
        {
            if (tabled)
            {
                using (writer.Block($"for (int b = 0; b < {blocks}; b++)"))
                {
                    writer.WriteLine($"var block = {v.Load("source", Code.At("blockBase", "b"))};");
                    string shuffle(int t) => v.Load("blockShuffle", $"(2 * b + {t}) * {lanes}");
                    string weight(int t) => v.Load("blockWeight", $"(2 * b + {t}) * {lanes}");
                    writer.WriteLine(v.Store($"{weight(0)} * {v.Type}.Shuffle(block, {shuffle(0)}) + {weight(1)} * {v.Type}.Shuffle(block, {shuffle(1)})", "target", $"b * {lanes}"));
                }
            }

            for (int b = 0; b < (tabled ? 0 : blocks); b++)
            {
                writer.WriteLine($"var input{b} = {v.Load("source", Literals.Int(bases[b]))};");
                writer.WriteLine(v.Store($"weight0_{b} * {v.Type}.Shuffle(input{b}, shuffle0_{b}) + weight1_{b} * {v.Type}.Shuffle(input{b}, shuffle1_{b})", "target", Literals.Int(b * lanes)));
            }

            for (int o = blocks * lanes; o < outW; o++)
            {
                writer.WriteLine($"{Code.At("target", Literals.Int(o))} = {Literals.Real(columnWeights[2 * o], signature.ElementType)} * {Code.At("source", Literals.Int(columns[2 * o]))} + {Literals.Real(columnWeights[(2 * o) + 1], signature.ElementType)} * {Code.At("source", Literals.Int(columns[(2 * o) + 1]))};");
            }
        }

        /// <summary>Along H (2-D): each output row the weighted sum of two W-interpolated rows.</summary>
        private static void WritePlanePass(IndentedWriter writer, KernelSignature signature, VectorWidth v, int lanes, int blocks, int outW, bool tabled)
        {
            string element = signature.ElementKeyword;
            using (writer.Block($"for (int oh = 0; oh < {signature.OutputShape[1]}; oh++)"))
            {
                writer.WriteLine(Code.Derive(element, "upper", "rowsStart", $"index0[2 * oh] * {outW}"));
                writer.WriteLine(Code.Derive(element, "lower", "rowsStart", $"index0[2 * oh + 1] * {outW}"));
                writer.WriteLine(Code.Derive(element, "target", "y", Code.Times("oh", outW)));
                writer.WriteLine($"{element} upperWeight = weight0[2 * oh], lowerWeight = weight0[2 * oh + 1];");
                writer.WriteLine($"var upperWeights = {v.Broadcast("upperWeight")};");
                writer.WriteLine($"var lowerWeights = {v.Broadcast("lowerWeight")};");
                WriteBlend(writer, v, lanes, blocks, outW, tabled, planes: 1);
            }
        }

        /// <summary>
        /// Along H and D (3-D): each output row from four W-interpolated rows, two planes of two rows, combined as PyTorch
        /// nests them: <c>d0 * (h0 * row[d0, h0] + h1 * row[d0, h1]) + d1 * (h0 * row[d1, h0] + h1 * row[d1, h1])</c>.
        /// </summary>
        private static void WriteVolumePass(IndentedWriter writer, KernelSignature signature, VectorWidth v, int lanes, int blocks, int outW, bool tabled)
        {
            string element = signature.ElementKeyword;
            int inH = signature.InputShape[2];
            using (writer.Block($"for (int od = 0; od < {signature.OutputShape[1]}; od++)"))
            {
                writer.WriteLine($"{element} frontWeight = weight0[2 * od], backWeight = weight0[2 * od + 1];");
                writer.WriteLine($"var frontWeights = {v.Broadcast("frontWeight")};");
                writer.WriteLine($"var backWeights = {v.Broadcast("backWeight")};");
                using (writer.Block($"for (int oh = 0; oh < {signature.OutputShape[2]}; oh++)"))
                {
                    foreach (var (plane, depthTap) in new[] { ("front", 0), ("back", 1) })
                    {
                        writer.WriteLine(Code.Derive(element, $"{plane}Upper", "rowsStart", $"(index0[2 * od + {depthTap}] * {inH} + index1[2 * oh]) * {outW}"));
                        writer.WriteLine(Code.Derive(element, $"{plane}Lower", "rowsStart", $"(index0[2 * od + {depthTap}] * {inH} + index1[2 * oh + 1]) * {outW}"));
                    }

                    writer.WriteLine(Code.Derive(element, "target", "y", $"(od * {signature.OutputShape[2]} + oh) * {outW}"));
                    writer.WriteLine($"{element} upperWeight = weight1[2 * oh], lowerWeight = weight1[2 * oh + 1];");
                    writer.WriteLine($"var upperWeights = {v.Broadcast("upperWeight")};");
                    writer.WriteLine($"var lowerWeights = {v.Broadcast("lowerWeight")};");
                    WriteBlend(writer, v, lanes, blocks, outW, tabled, planes: 2);
                }
            }
        }

        /// <summary>
        /// One output row from the W-interpolated rows of one plane (<c>upper</c>, <c>lower</c>) or two
        /// (<c>frontUpper</c> ... <c>backLower</c>): whole vectors (in a loop when the blocks come from tables), then the
        /// columns after the last whole vector one by one. Each plane's two rows are blended by the H weights, two planes
        /// then by the D weights.
        /// </summary>
        private static void WriteBlend(IndentedWriter writer, VectorWidth v, int lanes, int blocks, int outW, bool tabled, int planes)
        {
            string Sum(System.Func<string, string> load, string upper, string lower, string front, string back) => planes == 1
                ? $"{upper} * {load("upper")} + {lower} * {load("lower")}"
                : $"{front} * ({upper} * {load("frontUpper")} + {lower} * {load("frontLower")}) + {back} * ({upper} * {load("backUpper")} + {lower} * {load("backLower")})";
            string VectorSum(string offset) => Sum(row => v.Load(row, offset), "upperWeights", "lowerWeights", "frontWeights", "backWeights");
            if (tabled)
            {
                using (writer.Block($"for (int ow = 0; ow < {blocks * lanes}; ow += {lanes})"))
                {
                    writer.WriteLine(v.Store(VectorSum("ow"), "target", "ow"));
                }
            }

            for (int b = 0; b < (tabled ? 0 : blocks); b++)
            {
                string offset = Literals.Int(b * lanes);
                writer.WriteLine(v.Store(VectorSum(offset), "target", offset));
            }

            for (int o = blocks * lanes; o < outW; o++)
            {
                writer.WriteLine($"{Code.At("target", Literals.Int(o))} = {Sum(row => Code.At(row, Literals.Int(o)), "upperWeight", "lowerWeight", "frontWeight", "backWeight")};");
            }
        }

        /// <summary>The first input column each block of output columns reads: a whole vector inside the row.</summary>
        private static int[] BlockBases(int[] columns, int blocks, int lanes, int inputWidth) =>
            Enumerable.Range(0, blocks).Select(b => System.Math.Min(columns.Skip(b * lanes * 2).Take(lanes * 2).Min(), inputWidth - lanes)).ToArray();

        /// <summary>Per block: its first input column; its two shuffles (relative to it) and two weight vectors, lane by lane.</summary>
        private static void WriteBlockTables(IndentedWriter writer, KernelSignature signature, VectorWidth v, int[] columns, double[] weights, int[] bases, int lanes)
        {
            string method = signature.MethodName, index = VectorWidth.IndexType(signature.ElementType), suffix = index == "long" ? "L" : string.Empty;
            var shuffles = from b in Enumerable.Range(0, bases.Length) from t in Enumerable.Range(0, 2) from lane in Enumerable.Range(0, lanes)
                           select Literals.Int(columns[(((b * lanes) + lane) * 2) + t] - bases[b]) + suffix;
            var blockWeights = from b in Enumerable.Range(0, bases.Length) from t in Enumerable.Range(0, 2) from lane in Enumerable.Range(0, lanes)
                               select Literals.Real(weights[(((b * lanes) + lane) * 2) + t], signature.ElementType);
            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            writer.WriteLine($"/// <summary>{v.Name}: the first input column of each block of {lanes} output columns.</summary>");
            Tables.Write(writer, "int", TableName(method, "BlockBase", v), bases.Select(b => Literals.Int(b)));
            writer.WriteLine($"/// <summary>{v.Name}: per block, the lanes of its two shuffles, relative to its first input column.</summary>");
            Tables.Write(writer, index, TableName(method, "BlockShuffle", v), shuffles);
            writer.WriteLine($"/// <summary>{v.Name}: per block, the lanes of its two weight vectors.</summary>");
            Tables.Write(writer, signature.ElementKeyword, TableName(method, "BlockWeight", v), blockWeights);
            writer.WriteLine("#endif");
        }

        private static string TableName(string method, string what, VectorWidth width) => $"{method}_{what}{width.Name}";
    }
}
