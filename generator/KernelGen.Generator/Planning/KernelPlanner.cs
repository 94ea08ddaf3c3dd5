using KernelGen.Generator.Model;
using KernelGen.Generator.Operators;

namespace KernelGen.Generator.Planning
{
    /// <summary>Chooses the form of a kernel's body.</summary>
    internal static class KernelPlanner
    {
        /// <summary>
        /// The most multiply-adds per sample that are fully unrolled. Each unrolled multiply-add costs about 25-30 us of
        /// first-call JIT time and runs as a scalar statement, so 512 keeps the first call near 15 ms while covering
        /// the small kernels where removing every loop and index computation pays. Above it, loops with constant
        /// bounds keep the method small enough for the JIT to optimize fully.
        /// </summary>
        public const long UnrollBudget = 512;

        /// <summary>
        /// The budget holds for the statements too: the unrolled form writes one per output element, so a layer with
        /// few multiply-adds but a huge output (a kernel of 1 with a stride of a million) must loop as well.
        /// </summary>
        public static KernelPlan Plan(KernelSignature signature, OperatorSpec spec, KernelOperator op)
        {
            if (op.PaddedBody(signature, spec) is { } padded)
            {
                // The padding is a copy; the kernel's form is that of what runs on the padded input.
                KernelPlan body = Plan(padded.Signature, padded.Spec, op);
                return new KernelPlan(signature, spec, body.Form, body.MultiplyAdds) { PaddedBody = body };
            }

            long work = op.MultiplyAdds(signature, spec);
            long statements = ShapeText.ElementCount(signature.OutputShape);
            KernelForm form = op.HasUnrolledForm && work <= UnrollBudget && statements <= UnrollBudget ? KernelForm.FullyUnrolled : KernelForm.Looped;
            return new KernelPlan(signature, spec, form, work);
        }
    }
}
