using KernelGen.Generator.Model;
using KernelGen.Generator.Operators;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// <c>{M}FoldBatchNorm</c>: folds PyTorch's eval-mode <c>BatchNorm{1,2,3}d</c>, when it follows the kernel, into the
    /// kernel's weight and bias, in place. With <c>s = gamma / sqrt(running_var + eps)</c> per output channel, the batch
    /// norm of <c>w*x + b</c> is <c>(s*w)*x + (s*(b - running_mean) + beta)</c>. The user calls it once after loading the
    /// weights; it allocates nothing and checks every length before it writes.
    /// </summary>
    internal static class BatchNormFoldWriter
    {
        /// <summary>Only a kernel with a bias can take the batch norm's shift.</summary>
        public static bool Applies(KernelSignature signature, KernelOperator op) => op.HasWeight && signature.BiasParameter is not null;

        public static void Write(IndentedWriter writer, KernelSignature signature, KernelOperator op, OperatorSpec spec, string accessibility, EmitOptions options)
        {
            string method = RunTimeChecks.Member(signature, signature.FoldBatchNormMethod), hint = RunTimeChecks.SourceHint(signature, options);
            string t = signature.ElementKeyword, math = "global::System.Math";
            int channels = signature.OutputShape[0];
            int[] weightShape = op.WeightShape(signature, spec)!;
            int weightLength = (int)ShapeText.ElementCount(weightShape);
            string batchNorm = $"BatchNorm{signature.SpatialRank}d";
            writer.WriteLine($"/// <summary>");
            writer.WriteLine($"/// Folds an eval-mode {batchNorm}({channels}) that follows <see cref=\"{signature.MethodIdentifier}\"/> into its weight and bias, in place:");
            writer.WriteLine($"/// afterwards the kernel computes the batch norm of its former output. Call it once, after loading the weights.");
            writer.WriteLine($"/// <paramref name=\"gamma\"/> and <paramref name=\"beta\"/> are the batch norm's <c>weight</c> and <c>bias</c>; each of the four has {channels} values.");
            writer.WriteLine($"/// With s = gamma / sqrt(runningVar + eps) per output channel: weight *= s, bias = s*(bias - runningMean) + beta.");
            writer.WriteLine($"/// </summary>");
            writer.WriteLine(KernelSourceWriter.GeneratedCode);
            using (writer.Block($"{accessibility}static void {signature.FoldBatchNormMethod}({Parameters(t)})"))
            {
                writer.WriteLine("// Every length is checked before anything is written.");
                WriteLengthCheck(writer, method, "weight", weightLength, ShapeText.Format(weightShape), hint);
                foreach (string name in new[] { "bias", "gamma", "beta", "runningMean", "runningVar" })
                {
                    WriteLengthCheck(writer, method, name, channels, ShapeText.Format(new[] { channels }), hint);
                }

                writer.WriteLine();
                if (op.WeightIsOutputChannelFirst)
                {
                    int block = weightLength / channels;
                    writer.WriteLine($"// weight [{op.WeightLayout(signature.SpatialRank)}]: output channel co owns elements [co*{block}, (co + 1)*{block}).");
                    using (writer.Block($"for (int co = 0; co < {channels}; co++)"))
                    {
                        writer.WriteLine($"double scale = gamma[co] / {math}.Sqrt(runningVar[co] + eps);");
                        using (writer.Block($"for (int i = co * {block}; i < (co + 1) * {block}; i++)"))
                        {
                            writer.WriteLine($"weight[i] = ({t})(weight[i] * scale);");
                        }
                    }
                }
                else
                {
                    // [C_in, C_out/groups, k...]: the second axis gives the groups.
                    int perGroupOut = weightShape[1], perGroupIn = signature.InputShape[0] / (channels / perGroupOut);
                    int taps = weightLength / (signature.InputShape[0] * perGroupOut);
                    writer.WriteLine($"// weight [{op.WeightLayout(signature.SpatialRank)}]: input channel ci, column j is output channel (ci / {perGroupIn})*{perGroupOut} + j.");
                    using (writer.Block($"for (int ci = 0; ci < {signature.InputShape[0]}; ci++)"))
                    using (writer.Block($"for (int j = 0; j < {perGroupOut}; j++)"))
                    {
                        writer.WriteLine($"int co = ci / {perGroupIn} * {perGroupOut} + j;");
                        writer.WriteLine($"double scale = gamma[co] / {math}.Sqrt(runningVar[co] + eps);");
                        using (writer.Block($"for (int i = (ci * {perGroupOut} + j) * {taps}; i < (ci * {perGroupOut} + j + 1) * {taps}; i++)"))
                        {
                            writer.WriteLine($"weight[i] = ({t})(weight[i] * scale);");
                        }
                    }
                }

                writer.WriteLine();
                using (writer.Block($"for (int co = 0; co < {channels}; co++)"))
                {
                    writer.WriteLine($"double scale = gamma[co] / {math}.Sqrt(runningVar[co] + eps);");
                    writer.WriteLine($"bias[co] = ({t})((bias[co] - (double)runningMean[co]) * scale + beta[co]);");
                }
            }
        }

        /// <summary>The parameter list, which a rejected kernel's throwing <c>{M}FoldBatchNorm</c> repeats.</summary>
        public static string Parameters(string element) =>
            $"global::System.Span<{element}> weight, global::System.Span<{element}> bias, global::System.ReadOnlySpan<{element}> gamma, global::System.ReadOnlySpan<{element}> beta, " +
            $"global::System.ReadOnlySpan<{element}> runningMean, global::System.ReadOnlySpan<{element}> runningVar, double eps = 1e-5";

        /// <param name="method">The method as the message names it, <c>Layers.EncodeFoldBatchNorm</c>: a model folds several.</param>
        private static void WriteLengthCheck(IndentedWriter writer, string method, string name, int length, string shape, string hint)
        {
            writer.WriteLine($"if ({name}.Length != {length})");
            writer.WriteLine($"    throw new global::System.ArgumentException($\"{method}: expected {length} elements (shape {shape}), but the span has {{{name}.Length}}.\"{hint}, \"{name}\");");
        }
    }
}
