using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Activate
{
    /// <summary>
    /// <c>[Activate(Activation.X)]</c>: an activation on its own, element by element, with the same functions (and so
    /// the same accuracy) as the activations fused into the weighted layers. In place allowed.
    /// </summary>
    internal sealed class ActivateOperator : KernelOperator
    {
        public static readonly ActivateOperator Instance = new();

        public override string AttributeName => "KernelGen.ActivateAttribute";

        public override bool HasWeight => false;

        public override bool HasActivation => true;

        /// <summary>The constructor's parameter, <c>[Activate(Activation.Relu)]</c>.</summary>
        public override string ActivationArgument => "activation";

        public override bool AllowsInPlace => true;

        public override string Name(int spatialRank, OperatorSpec spec) => $"{spec.Activation.Kind}";

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            // Element by element: the output has the input's shape, every dimension kept.
            return OutputShapes.KeepsInputShape(kernel, diagnostics) ? new ActivateSpec() : null;
        }

        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec) => ShapeText.ElementCount(signature.OutputShape);

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            yield return string.Empty;
            yield return $"{spec.Activation.Kind} of every element, the output the input's shape; the output may be the input's memory exactly (in place).";
        }

        /// <summary>Each output element is its input element, through the activation (which the unrolled writer applies).</summary>
        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec)
        {
            int length = (int)ShapeText.ElementCount(signature.OutputShape);
            for (int i = 0; i < length; i++)
            {
                yield return new UnrolledOutput(i, -1, new List<Term> { Term.Constant(i, 1) });
            }
        }

        /// <summary>A copy, which the activation's pass after it then goes over (written by the source writer); or a vector method that does both at once.</summary>
        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            Elementwise.ElementwiseEmitter.WriteLooped(writer, signature, Identity, VectorWidths(signature, spec));

        /// <summary>Every width whose vector the tensor holds: the activation has a vector form at each.</summary>
        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) => Elementwise.ElementwiseEmitter.VectorWidths(signature);

        public override void WriteMembers(IndentedWriter writer, KernelPlan plan) =>
            Elementwise.ElementwiseEmitter.WriteVectorMethods(writer, plan, (width, x, other) => x, Identity);

        private static string Identity(string x, string? other) => x;
    }
}
