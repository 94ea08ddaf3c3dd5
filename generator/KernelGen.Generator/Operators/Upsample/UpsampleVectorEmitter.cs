using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Upsample
{
    /// <summary>
    /// The vector form of 2-D linear upsampling, separable as PyTorch computes it: first along W, each block of output
    /// columns from one vector of input columns rearranged by two constant shuffles and weighted by two constant weight
    /// vectors; then along H, each output row a weighted sum of two of those rows, whole vectors at a time.
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
            if (spec.Mode != UpsampleMode.Linear || signature.SpatialRank != 2)
            {
                return new VectorWidth[0];
            }

            int inputWidth = signature.InputShape[2], outputWidth = signature.OutputShape[2];
            var (index, _) = UpsampleShape.Sample(spec.Mode, spec.AlignCorners, inputWidth, outputWidth, spec.Scales[1], signature.ElementType, signature.SpatialRank);
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
            ReadsTables(signature.OutputShape[2] / width.Lanes(signature.ElementType)) ? width.VariableShuffleCondition : null;

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
            int channels = signature.InputShape[0], inH = signature.InputShape[1], inW = signature.InputShape[2];
            int outH = signature.OutputShape[1], outW = signature.OutputShape[2];
            var (columns, columnWeights) = UpsampleShape.Sample(spec.Mode, spec.AlignCorners, inW, outW, spec.Scales[1], signature.ElementType, signature.SpatialRank);
            string method = signature.MethodName;
            int blocks = outW / lanes;
            int[] bases = BlockBases(columns, blocks, lanes, inW);
            using (v.BeginMethod(writer, method, $"global::System.ReadOnlySpan<{element}> input, global::System.Span<{element}> output",
                $"One sample with {v.Name}: along W by constant shuffles into [{inH} x {outW}] rows, then along H by whole vectors."))
            {
                writer.WriteLine(Code.StartRef(element, "input"));
                writer.WriteLine(Code.StartRef(element, "output"));
                int rowsLength = inH * outW;
                bool pooled = rowsLength * (signature.ElementType == ElementType.Float ? 4 : 8) > StackLimitBytes;
                if (pooled)
                {
                    writer.WriteLine($"// [{inH} x {outW}] rows are too many for the stack: borrowed from the pool, no allocation once it holds one.");
                    writer.WriteLine($"{element}[] rented = global::System.Buffers.ArrayPool<{element}>.Shared.Rent({rowsLength});");
                    writer.WriteLine($"global::System.Span<{element}> rows = global::System.MemoryExtensions.AsSpan(rented, 0, {rowsLength});");
                }
                else
                {
                    writer.WriteLine($"global::System.Span<{element}> rows = stackalloc {element}[{rowsLength}];");
                }

                writer.WriteLine(Code.StartRef(element, "rows"));
                writer.WriteLine($"global::System.ReadOnlySpan<int> index0 = {method}_SourceIndex0;");
                writer.WriteLine($"global::System.ReadOnlySpan<{element}> weight0 = {method}_SourceWeight0;");
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
                    writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times("c", inH * inW)));
                    using (writer.Block($"for (int row = 0; row < {inH}; row++)"))
                    {
                        writer.WriteLine(Code.Derive(element, "source", "x", Code.Times("row", inW)));
                        writer.WriteLine(Code.Derive(element, "target", "rowsStart", Code.Times("row", outW)));
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

                    writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times("c", outH * outW)));
                    using (writer.Block($"for (int oh = 0; oh < {outH}; oh++)"))
                    {
                        writer.WriteLine(Code.Derive(element, "upper", "rowsStart", $"index0[2 * oh] * {outW}"));
                        writer.WriteLine(Code.Derive(element, "lower", "rowsStart", $"index0[2 * oh + 1] * {outW}"));
                        writer.WriteLine(Code.Derive(element, "target", "y", Code.Times("oh", outW)));
                        writer.WriteLine($"{element} upperWeight = weight0[2 * oh], lowerWeight = weight0[2 * oh + 1];");
                        writer.WriteLine($"var upperWeights = {v.Broadcast("upperWeight")};");
                        writer.WriteLine($"var lowerWeights = {v.Broadcast("lowerWeight")};");
                        if (tabled)
                        {
                            using (writer.Block($"for (int ow = 0; ow < {blocks * lanes}; ow += {lanes})"))
                            {
                                writer.WriteLine(v.Store($"upperWeights * {v.Load("upper", "ow")} + lowerWeights * {v.Load("lower", "ow")}", "target", "ow"));
                            }
                        }

                        for (int b = 0; b < (tabled ? 0 : blocks); b++)
                        {
                            string offset = Literals.Int(b * lanes);
                            writer.WriteLine(v.Store($"upperWeights * {v.Load("upper", offset)} + lowerWeights * {v.Load("lower", offset)}", "target", offset));
                        }

                        for (int o = blocks * lanes; o < outW; o++)
                        {
                            writer.WriteLine($"{Code.At("target", Literals.Int(o))} = upperWeight * {Code.At("upper", Literals.Int(o))} + lowerWeight * {Code.At("lower", Literals.Int(o))};");
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
