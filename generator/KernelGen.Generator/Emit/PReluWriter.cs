using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// PReLU, whose slopes are a span parameter rather than a constant: every operator runs without an activation
    /// (<c>{M}_LinearSample</c>), then one pass over the finished output applies <c>x &gt; 0 ? x : x * slope[c]</c>,
    /// channel by channel, as PyTorch's <c>F.prelu</c> computes it (-0 and NaN as PyTorch gives them). One rule for every
    /// operator and form, at the price of reading and writing the output once more.
    /// </summary>
    internal static class PReluWriter
    {
        /// <summary>The plan without PReLU and without its slopes (its padded body too): what runs before the pass.</summary>
        public static KernelPlan WithoutSlope(KernelPlan plan) => plan.Operator.Activation.Kind != ActivationKind.PRelu ? plan : plan with
        {
            Operator = plan.Operator with { Activation = ActivationSpec.None },
            Signature = plan.Signature with { SlopeParameter = null, SlopeShape = EquatableArray<int>.Empty },
            PaddedBody = plan.PaddedBody is { } body ? WithoutSlope(body) : null,
        };

        public static string PassMethod(KernelSignature signature) => $"{signature.MethodName}_PRelu";

        /// <summary>The pass, when the kernel's activation is PReLU.</summary>
        public static void WriteMembers(IndentedWriter writer, KernelPlan plan)
        {
            KernelSignature signature = plan.Signature;
            if (plan.Operator.Activation.Kind != ActivationKind.PRelu)
            {
                return;
            }

            string t = signature.ElementKeyword, zero = Literals.Real(0, signature.ElementType);
            int channels = signature.OutputShape[0], plane = (int)(ShapeText.ElementCount(signature.OutputShape) / channels);
            bool shared = signature.SlopeShape[0] == 1 && channels > 1;
            writer.WriteLine();
            writer.WriteLine($"/// <summary>PReLU over the finished output, {Literals.Int(channels)} channel(s) of {Literals.Int(plane)}: x where positive, else x times {(shared ? "the one slope" : "the channel's slope")}.</summary>");
            Code.WriteOptimizedAttribute(writer, guarded: true);
            using (writer.Block($"private static void {PassMethod(signature)}(global::System.Span<{t}> output, global::System.ReadOnlySpan<{t}> slope)"))
            {
                writer.WriteLine(Code.StartRef(t, "output"));
                using (writer.Block($"for (int c = 0; c < {Literals.Int(channels)}; c++)"))
                {
                    writer.WriteLine($"{t} a = slope[{(shared ? "0" : "c")}];");
                    writer.WriteLine($"int at = {Code.Times("c", plane)};");
                    writer.WriteLine("int i = 0;");
                    VectorWidth[] widths = VectorWidth.All.Where(width => plane >= width.Lanes(signature.ElementType)).ToArray();
                    if (widths.Length > 0)
                    {
                        writer.WriteLine("#if NET9_0_OR_GREATER");
                        for (int w = 0; w < widths.Length; w++)
                        {
                            VectorWidth width = widths[w];
                            int lanes = width.Lanes(signature.ElementType);
                            using (writer.Block($"{(w == 0 ? "if" : "else if")} ({width.Type}.IsHardwareAccelerated)"))
                            {
                                writer.WriteLine($"var va = {width.Broadcast("a")};");
                                using (writer.Block($"for (; i <= {Literals.Int(plane - lanes)}; i += {Literals.Int(lanes)})"))
                                {
                                    writer.WriteLine($"var x = {width.Load("outputStart", "at + i")};");
                                    writer.WriteLine(width.Store($"{width.Type}.ConditionalSelect({width.Type}.GreaterThan(x, {width.Type}<{t}>.Zero), x, x * va)", "outputStart", "at + i"));
                                }
                            }
                        }

                        writer.WriteLine("#endif");
                    }

                    using (writer.Block($"for (; i < {Literals.Int(plane)}; i++)"))
                    {
                        writer.WriteLine($"{t} x = {Code.At("outputStart", "at + i")};");
                        writer.WriteLine($"{Code.At("outputStart", "at + i")} = x > {zero} ? x : x * a;");
                    }
                }
            }
        }
    }
}
