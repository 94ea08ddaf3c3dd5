namespace KernelGen.Generator.Model
{
    /// <summary>How the body of a kernel is written.</summary>
    internal enum KernelForm
    {
        /// <summary>Every output element is one statement with constant indices: no loop, no index arithmetic.</summary>
        FullyUnrolled,

        /// <summary>Loops with constant bounds; only the innermost window (kernel taps) is unrolled.</summary>
        Looped,
    }

    /// <summary>Everything the emitter needs for one kernel method: equatable, and free of compilation objects.</summary>
    /// <param name="MultiplyAdds">Multiply-adds per sample, the measure of the unrolling budget.</param>
    internal sealed record KernelPlan(KernelSignature Signature, OperatorSpec Operator, KernelForm Form, long MultiplyAdds)
    {
        /// <summary>
        /// For a kernel that first pads its input into a buffer (a padding mode other than zeros), the plan of what
        /// then runs on that buffer: the same operator over the padded input, without padding. Null for every other kernel.
        /// </summary>
        public KernelPlan? PaddedBody { get; init; }
    }

    /// <summary>
    /// The cached result of the pipeline for one method: a plan, or the diagnostics that prevent one and, where the
    /// declaration allows it, a stub implementation so that the KernelGen error is the only one.
    /// </summary>
    internal sealed record KernelResult(KernelPlan? Plan, EquatableArray<DiagnosticInfo> Diagnostics, KernelStub? Stub = null);
}
