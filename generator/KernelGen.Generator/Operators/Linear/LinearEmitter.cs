using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Linear
{
    /// <summary>
    /// <c>[Linear]</c>'s body over the whole batch, <c>{M}_Batch(int rows, ...)</c>: every output is the dot product of
    /// an input row and a weight row, both contiguous, so the vector forms run along the rows, a block of
    /// <see cref="RowBlock"/> rows by <see cref="OutputBlock"/> outputs at a time (each input vector used for every output of the
    /// block, each weight vector for every row), then sum each accumulator's lanes, add the last elements of the row one by
    /// one, and apply the epilogue: bias, residual, activation or PReLU's slope, in PyTorch's order.
    /// </summary>
    internal static class LinearEmitter
    {
        /// <summary>Rows per block: the weight is read once per this many rows.</summary>
        public const int RowBlock = 4;

        /// <summary>Outputs per block: each input vector is loaded once for this many weight rows.</summary>
        public const int OutputBlock = 4;

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
                using (width.BeginMethod(writer, Method(signature), parameters,
                    $"Every row with {width.Name}: blocks of up to {Literals.Int(RowBlock)} rows by {Literals.Int(OutputBlock)} outputs, each a dot product along the row."))
                {
                    WriteStarts(writer, signature);
                    writer.WriteLine("int r = 0;");
                    // A block's last row starts (RowBlock - 1) * in elements on, a constant that must be an int: rows
                    // longer than a quarter of int.MaxValue (of which no span holds four) go one at a time.
                    if (cin <= int.MaxValue / RowBlock)
                    {
                        using (writer.Block($"for (; r <= rows - {Literals.Int(RowBlock)}; r += {Literals.Int(RowBlock)})"))
                        {
                            WriteOutputs(writer, plan, width, RowBlock);
                        }
                    }

                    using (writer.Block("for (; r < rows; r++)"))
                    {
                        WriteOutputs(writer, plan, width, 1);
                    }
                }
            }
        }

        private static void WriteStarts(IndentedWriter writer, KernelSignature signature)
        {
            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "input"));
            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "weight"));
            writer.WriteLine(Code.StartRef(signature.ElementKeyword, "output"));
        }

        /// <summary>The outputs of <paramref name="rows"/> rows from <c>r</c>: whole blocks of outputs, then the rest one at a time.</summary>
        private static void WriteOutputs(IndentedWriter writer, KernelPlan plan, VectorWidth width, int rows)
        {
            int cout = plan.Signature.OutputShape[0];
            writer.WriteLine("int o = 0;");
            if (cout >= OutputBlock)
            {
                using (writer.Block($"for (; o <= {Literals.Int(cout - OutputBlock)}; o += {Literals.Int(OutputBlock)})"))
                {
                    WriteBlock(writer, plan, width, rows, OutputBlock);
                }
            }

            if (cout % OutputBlock != 0)
            {
                using (writer.Block($"for (; o < {Literals.Int(cout)}; o++)"))
                {
                    WriteBlock(writer, plan, width, rows, 1);
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

            writer.WriteLine($"{v}<{t}> {string.Join(", ", pairs.Select(p => $"{Acc(p)} = {v}<{t}>.Zero"))};");
            using (writer.Block($"for (int i = 0; i < {Literals.Int(whole)}; i += {Literals.Int(lanes)})"))
            {
                for (int row = 0; row < rows; row++)
                {
                    writer.WriteLine($"var x{row} = {width.Load("inputStart", $"{RowAt(row)} + i")};");
                }

                for (int output = 0; output < outputs; output++)
                {
                    writer.WriteLine($"var w{output} = {width.Load("weightStart", $"{WeightAt(output)} + i")};");
                }

                foreach (var p in pairs)
                {
                    writer.WriteLine($"{Acc(p)} = {width.Fma($"x{p.Row}", $"w{p.Output}", Acc(p))};");
                }
            }

            writer.WriteLine($"{t} {string.Join(", ", pairs.Select(p => $"{Sum(p)} = {v}.Sum({Acc(p)})"))};");
            if (whole < cin)
            {
                writer.WriteLine($"// The last {Literals.Int(cin - whole)} element(s) of each row, one by one.");
                using (writer.Block($"for (int i = {Literals.Int(whole)}; i < {Literals.Int(cin)}; i++)"))
                {
                    foreach (var p in pairs)
                    {
                        writer.WriteLine($"{Sum(p)} += {Code.At("inputStart", $"{RowAt(p.Row)} + i")} * {Code.At("weightStart", $"{WeightAt(p.Output)} + i")};");
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
