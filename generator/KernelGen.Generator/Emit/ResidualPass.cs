using KernelGen.Generator.Model;
using KernelGen.Generator.Operators;
using KernelGen.Generator.Planning;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// A residual (a buffer marked <c>[Residual]</c>): every weighted operator runs without its activation and without
    /// the residual (<c>{M}_LayerSample</c>, the bias included), then <c>[Add]</c>'s own kernel goes over the finished
    /// output in place with the activation: <c>output = activation(output + residual)</c>, PyTorch's
    /// <c>relu(conv(x) + identity)</c> with each step rounded as it rounds it. One rule for every operator, rank and form, at
    /// the price of reading and writing the output once more beside reading the residual.
    /// </summary>
    internal static class ResidualPass
    {
        public static string LayerMethod(KernelSignature signature) => $"{signature.MethodName}_LayerSample";

        public static string PassMethod(KernelSignature signature) => $"{signature.MethodName}_ResidualSample";

        /// <summary>The plan of the layer alone: no residual, no activation (its padded body too).</summary>
        public static KernelPlan Layer(KernelPlan plan) => plan with
        {
            Operator = plan.Operator with { Activation = ActivationSpec.None },
            Signature = plan.Signature with { ResidualParameter = null },
            PaddedBody = plan.PaddedBody is { } body ? Layer(body) : null,
        };

        /// <summary>
        /// The plan of the pass: <c>[Add]</c> of two buffers of the output's shape with the kernel's activation, its
        /// methods named after the kernel's (<c>{M}_Residual_Vector512</c>) so that they sit beside the layer's.
        /// </summary>
        public static KernelPlan Pass(KernelPlan plan)
        {
            KernelSignature s = plan.Signature;
            var signature = new KernelSignature(s.Containing, $"{s.MethodName}_Residual", s.HintName, s.Modifiers, s.ParameterModifiers, s.ElementType,
                null, "input", null, null, "output", s.OutputShape, s.OutputShape)
            {
                OtherParameter = "other",
                OtherShape = s.OutputShape,
            };
            var spec = new ElementwiseSpec(ElementwiseKind.Add, 1, 0) { Activation = plan.Operator.Activation };
            return KernelPlanner.Plan(signature, spec, KernelOperator.For(spec));
        }
    }
}
