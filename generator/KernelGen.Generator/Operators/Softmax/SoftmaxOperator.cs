using System.Collections.Generic;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Softmax
{
    /// <summary>
    /// <c>[Softmax]</c>: PyTorch's <c>softmax(x, dim=1)</c> and <c>log_softmax</c>, over the channels at every position of
    /// a sample (a vector of features being one position). The exponentials depend on the data's largest value, so
    /// there is no unrolled form; in place is allowed (each position's channels are read before any of them is written,
    /// and the last pass reads and writes each element at its own place).
    /// </summary>
    internal sealed class SoftmaxOperator : KernelOperator
    {
        public static readonly SoftmaxOperator Instance = new();

        public override string AttributeName => "KernelGen.SoftmaxAttribute";

        public override bool HasWeight => false;

        public override bool HasActivation => false;

        public override bool AllowsInPlace => true;

        public override bool HasUnrolledForm => false;

        /// <summary>A vector of features (a classifier's logits) or channels with up to three spatial dimensions.</summary>
        public override (int Min, int Max, string Rule) BufferRanks =>
            (1, 4, "a [Softmax] buffer is a vector of features [C] or channels with 1 to 3 spatial dimensions");

        public override string Name(int spatialRank, OperatorSpec spec) => ((SoftmaxSpec)spec).Log ? "LogSoftmax" : "Softmax";

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics) =>
            OutputShapes.KeepsInputShape(kernel, diagnostics) ? new SoftmaxSpec(kernel.Attribute.GetBool("Log", false)) : null;

        /// <summary>Per element: a comparison for the largest, an exponential, and a multiply (or a subtraction).</summary>
        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec) => 3 * ShapeText.ElementCount(signature.OutputShape);

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            (int channels, int plane) = SoftmaxEmitter.Geometry(signature);
            yield return string.Empty;
            yield return ((SoftmaxSpec)spec).Log
                ? $"At each of {Literals.Int(plane)} position(s), over its {Literals.Int(channels)} channel(s): x - max - log(sum(exp(x - max))), as F.log_softmax(x, dim=1)."
                : $"At each of {Literals.Int(plane)} position(s), over its {Literals.Int(channels)} channel(s): exp(x - max) / sum(exp(x - max)), as F.softmax(x, dim=1).";
            yield return "The max is subtracted first, so no exponential overflows; the sum is accumulated in double. A NaN among a position's channels makes them all NaN.";
            yield return "The output may be the input's memory exactly (in place): a position's channels are all read before any of them is written.";
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) =>
            throw new System.InvalidOperationException("A softmax has no unrolled form: its exponentials depend on the data's largest value.");

        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) => SoftmaxEmitter.VectorWidths(signature);

        public override string NoVectorForm => "the positions are fewer than a vector's lanes, and so are the channels of a single position";

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            SoftmaxEmitter.WriteLooped(writer, signature, (SoftmaxSpec)spec, VectorWidths(signature, spec));

        public override void WriteMembers(IndentedWriter writer, KernelPlan plan) => SoftmaxEmitter.WriteVectorMethods(writer, plan);
    }
}
