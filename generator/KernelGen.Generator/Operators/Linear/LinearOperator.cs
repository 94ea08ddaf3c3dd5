using System.Collections.Generic;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Linear
{
    /// <summary>
    /// <c>[Linear]</c>: PyTorch's <c>F.linear</c>, <c>output[r] = weight * input[r] + bias</c> for each row r, the head of a
    /// classification net. Its buffers are vectors of features (<c>[in]</c>, <c>[out]</c>), so a sample is one row and a
    /// batch is the rows of one matrix product: the body takes the whole batch (<see cref="KernelOperator.TakesWholeBatch"/>)
    /// and reads the weight once per block of rows.
    /// </summary>
    internal sealed class LinearOperator : KernelOperator
    {
        public static readonly LinearOperator Instance = new();

        public override string AttributeName => "KernelGen.LinearAttribute";

        public override bool HasWeight => true;

        public override bool HasUnrolledForm => false;

        public override bool TakesWholeBatch => true;

        public override (int Min, int Max, string Rule) BufferRanks =>
            (1, 1, "a [Linear] buffer is one vector of features, [Shape(in)] and [Shape(out)]; a batch of rows is the leading int batch count");

        public override string Name(int spatialRank, OperatorSpec spec) => "Linear";

        /// <summary>Any pair of sizes is a linear layer: the weight's shape follows from them, so no output size can be wrong.</summary>
        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics) => new LinearSpec();

        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec) => (long)signature.InputShape[0] * signature.OutputShape[0];

        public override int[] WeightShape(KernelSignature signature, OperatorSpec spec) => new[] { signature.OutputShape[0], signature.InputShape[0] };

        public override string WeightLayout(int spatialRank) => "C_out, C_in";

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            int cin = signature.InputShape[0], cout = signature.OutputShape[0];
            yield return string.Empty;
            yield return $"As PyTorch's F.linear: each row's output[{Literals.Int(cout)}] = weight[{Literals.Int(cout)} x {Literals.Int(cin)}] * input[{Literals.Int(cin)}]{(signature.BiasParameter is null ? string.Empty : " + bias")}.";
            yield return signature.BatchParameter is null
                ? "One row per call."
                : $"The '{signature.BatchParameter}' samples are the rows of one matrix product, [{signature.BatchParameter} x {Literals.Int(cin)}] times the weight transposed, "
                    + $"in chunks of {Literals.Int(LinearEmitter.ChunkRows(signature))} rows, so that the weight streams from memory once per chunk.";
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) =>
            throw new System.InvalidOperationException("[Linear] has no unrolled form.");

        /// <summary>Every width whose vector the input row holds: the products run along the row.</summary>
        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) => LinearEmitter.VectorWidths(signature);

        public override string NoVectorForm => "the input row is shorter than a vector";

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            throw new System.InvalidOperationException("[Linear] writes its body for the whole batch (WriteBatchBody).");

        public override void WriteBatchBody(IndentedWriter writer, KernelPlan plan, IReadOnlyList<KernelBuffer> buffers) =>
            LinearEmitter.Write(writer, plan, buffers);
    }
}
