using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Linear
{
    /// <summary>
    /// <c>[Linear]</c>'s body over the whole batch, <c>{M}_Batch(int rows, ...)</c>: every output is the dot product of
    /// an input row and a weight row, both contiguous, so the vector forms run along the rows, a block of
    /// <see cref="Blocks"/> rows by outputs at a time (each input vector used for every output of the
    /// block, each weight vector for every row), then sum each accumulator's lanes, add the last elements of the row one by
    /// one, and apply the epilogue: bias, residual, activation or PReLU's slope, in PyTorch's order. The rows go in chunks
    /// that the L2 cache holds, each chunk against every block of weight rows in turn, so that the weight streams from
    /// memory once per chunk, not once per block of rows.
    /// </summary>
    internal static class LinearEmitter
    {
        /// <summary>
        /// Rows by outputs per block at a width: accumulators and the block's loads within the width's registers (4 x 4 =
        /// 16 of 32 at 512 bits, with 8 loads; 2 x 4 = 8 of 16 below, with 6). Measured on the 512 -> 1000 classifier at
        /// batches 8 to 128 on the Intel machine: 113 GFLOP/s at 4 x 4 against 95 at 8 x 2, and at 256 bits 83 at 2 x 4
        /// against 72 at 4 x 2.
        /// </summary>
        public static (int Rows, int Outputs) Blocks(VectorWidth width) => width.Registers >= 32 ? (4, 4) : (2, 4);

        /// <summary>The block rows of which a chunk is a multiple (every width's divides it).</summary>
        private const int LargestRowBlock = 4;

        public static string Method(KernelSignature signature) => $"{signature.MethodName}_Batch";

        /// <summary>Every width whose vector the input row holds.</summary>
        public static VectorWidth[] VectorWidths(KernelSignature signature) =>
            VectorWidth.All.Where(width => signature.InputShape[0] >= width.Lanes(signature.ElementType)).ToArray();

        public static void Write(IndentedWriter writer, KernelPlan plan, IReadOnlyList<KernelBuffer> buffers)
        {
            KernelSignature signature = plan.Signature;
            string t = signature.ElementKeyword;
            string parameters = "int rows, " + string.Join(", ", buffers.Select(b => $"global::System.{(b.Role == "output" ? "Span" : "ReadOnlySpan")}<{t}> {b.Role}"));
            string arguments = "rows, " + string.Join(", ", buffers.Select(b => b.Role));
            VectorWidth[] widths = VectorWidths(signature);
            int cin = signature.InputShape[0], cout = signature.OutputShape[0];

            writer.WriteLine($"/// <summary>{(signature.BatchParameter is null ? "The one row" : "Every row of the batch")}; the lengths were checked by the caller.</summary>");
            Code.WriteOptimizedAttribute(writer, guarded: true);
            using (writer.Block($"internal static void {Method(signature)}({parameters})"))
            {
                VectorWidth.WriteDispatch(writer, Method(signature), arguments, widths);
                writer.WriteLine("// Without hardware vectors: each output the dot product of its input row and weight row.");
                WriteStarts(writer, signature);
                using (writer.Block("for (int r = 0; r < rows; r++)"))
                {
                    using (writer.Block($"for (int o = 0; o < {Literals.Int(cout)}; o++)"))
                    {
                        writer.WriteLine($"{t} s = {Literals.Real(0, signature.ElementType)};");
                        using (writer.Block($"for (int i = 0; i < {Literals.Int(cin)}; i++)"))
                        {
                            writer.WriteLine($"s += {Code.At("inputStart", $"{Code.Times("r", cin)} + i")} * {Code.At("weightStart", $"{Code.Times("o", cin)} + i")};");
                        }

                        WriteEpilogue(writer, plan, "s", "r", "o");
                    }
                }
            }

            foreach (VectorWidth width in widths)
            {
                string summary = $"Every row with {width.Name}: blocks of up to {Literals.Int(Blocks(width).Rows)} rows by {Literals.Int(Blocks(width).Outputs)} outputs, each a dot product along the row.";
                if (SplitUnits(signature, width) is not { } units)
                {
                    using (width.BeginMethod(writer, Method(signature), parameters, summary))
                    {
                        WriteStarts(writer, signature);
                        WriteRows(writer, plan, width, range: null);
                    }

                    continue;
                }

                // Split by outputs: each unit computes its outputs for every row, each dot product as the one-thread form
                // does (per output, the same loads in the same order whatever block it falls in), so bit-identical.
                int blocks = cout / Blocks(width).Outputs;
                string method = $"{Method(signature)}_{width.Name}";
                var spans = buffers.Select(b => new ParallelParts.Span(b.Role, b.Role == "output")).ToList();
                using (width.BeginMethod(writer, Method(signature), parameters, summary + " Split across the workers by outputs when the batch's work is large enough."))
                {
                    ParallelParts.WriteRun(writer, method, units, t, spans, worthIt: $"(long)rows * {Literals.Int((long)cin * cout)} >= {Literals.Int(ParallelParts.MinimumWork)}");
                }

                int block = Blocks(width).Outputs;
                // Unit u's first block: u * blocks / units, the blocks dealt out as evenly as the units allow.
                string BlockOf(string unit) => blocks == units ? unit : $"{unit} * {Literals.Int(blocks)} / {Literals.Int(units)}";
                string outputsOf = $"blocks [{BlockOf("first")}, {BlockOf("end")}) of {Literals.Int(block)} outputs"
                    + (cout % Blocks(width).Outputs == 0 ? string.Empty : $", the last unit also the last {Literals.Int(cout % Blocks(width).Outputs)} output(s)");
                using (ParallelParts.BeginUnits(writer, method, t, spans, $"Units [first, end) of {Literals.Int(units)}: {outputsOf}, for every row."))
                {
                    WriteStarts(writer, signature);
                    writer.WriteLine($"int rows = output.Length / {Literals.Int(cout)};");
                    writer.WriteLine($"int outputStop = end == {Literals.Int(units)} ? {Literals.Int(cout)} : {Code.Times(BlockOf("end"), block)};");
                    WriteRows(writer, plan, width, range: (Code.Times(BlockOf("first"), block), "outputStop"));
                }

                ParallelParts.WriteMembers(writer, method, units, t, spans);
            }
        }

        /// <summary>
        /// Units of the split by outputs, or null: a layer of two blocks of outputs or more splits, at run time only when
        /// the batch's multiply-adds reach <see cref="ParallelParts.MinimumWork"/> (the rows are known only then).
        /// </summary>
        private static int? SplitUnits(KernelSignature signature, VectorWidth width)
        {
            int blocks = signature.OutputShape[0] / Blocks(width).Outputs;
            return blocks >= 2 ? System.Math.Min(blocks, ParallelParts.TargetUnits) : null;
        }

        /// <summary>The rows in chunks, each against every output, or in the split form a unit's <paramref name="range"/> of outputs.</summary>
        private static void WriteRows(IndentedWriter writer, KernelPlan plan, VectorWidth width, (string Start, string Stop)? range)
        {
            KernelSignature signature = plan.Signature;
            int chunk = ChunkRows(signature);
            writer.WriteLine($"// Chunks of {Literals.Int(chunk)} rows ({Literals.Int(ChunkBytes / 1024)} KiB of input or less), each against every block of weight rows in turn:");
            writer.WriteLine("// a block of weight rows stays in the L1 cache over the chunk's rows, so the weight streams from memory once per chunk.");
            using (writer.Block($"for (int rowFirst = 0; rowFirst < rows; rowFirst += {Literals.Int(chunk)})"))
            {
                writer.WriteLine($"int rowEnd = rows - rowFirst > {Literals.Int(chunk)} ? rowFirst + {Literals.Int(chunk)} : rows;");
                WriteOutputBlocks(writer, plan, width, range);
            }
        }

        private static void WriteStarts(IndentedWriter writer, KernelSignature signature)
        {
            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "input"));
            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "weight"));
            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "output"));
        }

        /// <summary>The input a chunk of rows may hold: it is read again for every block of outputs, from the L2 cache.</summary>
        private const int ChunkBytes = 128 * 1024;

        /// <summary>Rows per chunk: a multiple of the row block, at least one block.</summary>
        public static int ChunkRows(KernelSignature signature) =>
            System.Math.Max(LargestRowBlock, (int)System.Math.Min(1 << 20, ChunkBytes / ((long)signature.InputShape[0] * signature.ElementType.Bytes())) / LargestRowBlock * LargestRowBlock);

        /// <summary>
        /// The rows <c>rowFirst</c> to <c>rowEnd</c> against every output (or the outputs of <paramref name="range"/>, whole blocks
        /// and in the last unit the rest): whole blocks of outputs, then the rest one at a time, each over the chunk's rows
        /// in blocks, then one by one.
        /// </summary>
        private static void WriteOutputBlocks(IndentedWriter writer, KernelPlan plan, VectorWidth width, (string Start, string Stop)? range)
        {
            int cout = plan.Signature.OutputShape[0], cin = plan.Signature.InputShape[0];
            (int rowBlock, int outputBlock) = Blocks(width);
            void Rows(int outputs)
            {
                writer.WriteLine("int r = rowFirst;");
                // A block's last row starts (rows - 1) * in elements on, a constant that must be an int: rows so long
                // that it is not (of which no span holds a block) go one at a time.
                if (cin <= int.MaxValue / rowBlock)
                {
                    using (writer.Block($"for (; r <= rowEnd - {Literals.Int(rowBlock)}; r += {Literals.Int(rowBlock)})"))
                    {
                        WriteBlock(writer, plan, width, rowBlock, outputs);
                    }
                }

                using (writer.Block("for (; r < rowEnd; r++)"))
                {
                    WriteBlock(writer, plan, width, 1, outputs);
                }
            }

            writer.WriteLine($"int o = {range?.Start ?? "0"};");
            if (cout >= outputBlock)
            {
                using (writer.Block($"for (; o <= {(range is { } r ? $"{r.Stop} - {Literals.Int(outputBlock)}" : Literals.Int(cout - outputBlock))}; o += {Literals.Int(outputBlock)})"))
                {
                    Rows(outputBlock);
                }
            }

            if (cout % outputBlock != 0)
            {
                using (writer.Block($"for (; o < {range?.Stop ?? Literals.Int(cout)}; o++)"))
                {
                    Rows(1);
                }
            }
        }

        /// <summary>
        /// <paramref name="rows"/> x <paramref name="outputs"/> dot products from row <c>r</c> and output <c>o</c>: one
        /// accumulator each, a vector of the row at a time, then the lanes summed and the last elements added.
        /// </summary>
        private static void WriteBlock(IndentedWriter writer, KernelPlan plan, VectorWidth width, int rows, int outputs)
        {
            KernelSignature signature = plan.Signature;
            string t = signature.ElementKeyword, v = width.Type;
            int cin = signature.InputShape[0], lanes = width.Lanes(signature.ElementType), whole = cin / lanes * lanes;
            var pairs = (from a in Enumerable.Range(0, rows) from b in Enumerable.Range(0, outputs) select (Row: a, Output: b)).ToArray();
            string Acc((int Row, int Output) p) => $"a{p.Row}_{p.Output}";
            string Sum((int Row, int Output) p) => $"s{p.Row}_{p.Output}";
            string RowAt(int row) => Code.Affine("r", cin, row * cin);
            string WeightAt(int output) => Code.Affine("o", cin, output * cin);

            // Each row's and weight row's start once per block: the loop's loads are then a start plus i.
            for (int row = 0; row < rows; row++)
            {
                writer.WriteLine(Code.Derive(t, $"row{row}", "inputStart", RowAt(row)));
            }

            for (int output = 0; output < outputs; output++)
            {
                writer.WriteLine(Code.Derive(t, $"weights{output}", "weightStart", WeightAt(output)));
            }

            writer.WriteLine($"{v}<{t}> {string.Join(", ", pairs.Select(p => $"{Acc(p)} = {v}<{t}>.Zero"))};");
            using (writer.Block($"for (int i = 0; i < {Literals.Int(whole)}; i += {Literals.Int(lanes)})"))
            {
                for (int row = 0; row < rows; row++)
                {
                    writer.WriteLine($"var x{row} = {width.Load($"row{row}", "i")};");
                }

                for (int output = 0; output < outputs; output++)
                {
                    writer.WriteLine($"var w{output} = {width.Load($"weights{output}", "i")};");
                }

                foreach (var p in pairs)
                {
                    writer.WriteLine($"{Acc(p)} = {width.Fma($"x{p.Row}", $"w{p.Output}", Acc(p))};");
                }
            }

            // Each accumulator's lanes summed by halves down to 128 bits first: Vector512.Sum and Vector256.Sum halve
            // lane by lane in registers of 128 bits (24 instructions at 512 bits, as many as 32 of this loop's FMAs).
            foreach (var p in pairs)
            {
                string folded = Acc(p);
                for (int bits = width.Bytes * 8; bits > 128; bits /= 2)
                {
                    string type = $"global::System.Runtime.Intrinsics.Vector{Literals.Int(bits)}", half = $"{Acc(p)}_{Literals.Int(bits / 2)}";
                    writer.WriteLine($"var {half} = {type}.GetLower({folded}) + {type}.GetUpper({folded});");
                    folded = half;
                }

                writer.WriteLine($"{t} {Sum(p)} = {VectorWidth.Vector128.Type}.Sum({folded});");
            }

            if (whole < cin)
            {
                writer.WriteLine($"// The last {Literals.Int(cin - whole)} element(s) of each row, one by one.");
                using (writer.Block($"for (int i = {Literals.Int(whole)}; i < {Literals.Int(cin)}; i++)"))
                {
                    foreach (var p in pairs)
                    {
                        writer.WriteLine($"{Sum(p)} += {Code.At($"row{p.Row}", "i")} * {Code.At($"weights{p.Output}", "i")};");
                    }
                }
            }

            foreach (var p in pairs)
            {
                WriteEpilogue(writer, plan, Sum(p), Offset("r", p.Row), Offset("o", p.Output));
            }
        }

        private static string Offset(string variable, int shift) => shift == 0 ? variable : $"({variable} + {Literals.Int(shift)})";

        /// <summary>
        /// One finished dot product <paramref name="value"/> of row <paramref name="row"/> and output <paramref name="output"/>:
        /// plus the bias, plus the residual, through the activation or PReLU's slope, stored.
        /// </summary>
        private static void WriteEpilogue(IndentedWriter writer, KernelPlan plan, string value, string row, string output)
        {
            KernelSignature signature = plan.Signature;
            int cout = signature.OutputShape[0];
            string at = $"{Code.Times(row, cout)} + {output}";
            if (signature.BiasParameter is not null)
            {
                writer.WriteLine($"{value} += bias[{output}];");
            }

            if (signature.ResidualParameter is not null)
            {
                writer.WriteLine($"{value} += residual[{at}];");
            }

            ActivationSpec activation = plan.Operator.Activation;
            string result = activation.Kind == ActivationKind.PRelu
                ? $"{value} > {Literals.Real(0, signature.ElementType)} ? {value} : {value} * slope[{(signature.SlopeShape[0] == 1 && cout > 1 ? "0" : output)}]"
                : ActivationWriter.Apply(activation, value);
            writer.WriteLine($"{Code.At("outputStart", at)} = {result};");
        }
    }
}
