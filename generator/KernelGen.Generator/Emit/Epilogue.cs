using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// What a weighted layer does to each finished sum (the bias already in it): the residual added, then the activation,
    /// <c>output = activation(sum + residual)</c>, each step rounded as PyTorch's <c>relu(conv(x) + identity)</c> rounds it.
    /// <para>
    /// A vector form that stores whole vectors of consecutive outputs from its accumulators adds the residual there,
    /// loaded at the same offset (the residual has the output's shape and never overlaps it), and applies a
    /// piecewise-linear activation in registers too. A form that cannot (rows narrower than a vector, the transposed
    /// convolution's interleaved phases) stores the plain sums and one vector pass over the finished output does both;
    /// so does a pass after the scalar loops, which accumulate in the output. One rule for every operator, rank and form.
    /// </para>
    /// </summary>
    internal sealed class Epilogue
    {
        private const string ResidualPassMethod = "AddResidual";

        private readonly KernelSignature _signature;

        /// <param name="residualInRegisters">Whether the form can add a residual to its accumulators (it stores whole vectors of consecutive outputs).</param>
        public Epilogue(KernelSignature signature, ActivationSpec activation, VectorWidth width, bool residualInRegisters)
        {
            _signature = signature;
            Width = width;
            bool hasResidual = signature.ResidualParameter is not null;
            AddsResidual = hasResidual && residualInRegisters;
            LeavesResidual = hasResidual && !residualInRegisters;
            // Without the residual in registers the activation must wait for it: the pass applies both, in that order.
            Activation = LeavesResidual || !ActivationWriter.IsFusedInRegisters(activation) ? ActivationSpec.None : activation;
            Pass = LeavesResidual ? $"{ResidualPassMethod}_{width.Name}(output, residual);" : ActivationWriter.VectorPass(activation, width);
        }

        public VectorWidth Width { get; }

        /// <summary>True when the form adds the residual to its accumulators before storing them.</summary>
        public bool AddsResidual { get; }

        /// <summary>True when the kernel has a residual and the pass after the form adds it (<see cref="WritePass"/>).</summary>
        public bool LeavesResidual { get; }

        /// <summary>The activation the form applies in registers (None when the pass applies it).</summary>
        public ActivationSpec Activation { get; }

        /// <summary>The statement that finishes the output after the form, or null when the form finished it.</summary>
        public string? Pass { get; }

        /// <summary>What the form does to its sums, in words for a comment: <c>The residual and Relu</c>, <c>Relu</c>.</summary>
        public string Description => AddsResidual ? (Activation.IsNone ? "The residual" : $"The residual and {Activation.Kind}") : $"{Activation.Kind}";

        /// <summary>True when a stored value needs no change: no residual and no activation in registers.</summary>
        public bool IsEmpty => !AddsResidual && Activation.IsNone;

        /// <summary>The residual's parameter, for a form's method that adds it: <c>, ReadOnlySpan&lt;T&gt; residual</c> or nothing.</summary>
        public string Parameter => AddsResidual ? $", global::System.ReadOnlySpan<{_signature.ElementKeyword}> residual" : string.Empty;

        /// <summary>The residual's argument after the others: <c>, residual</c> or nothing.</summary>
        public string Argument => AddsResidual ? ", residual" : string.Empty;

        /// <summary>
        /// <paramref name="accumulator"/> finished, for the output vector stored at <paramref name="offset"/> from a
        /// reference into the output; <paramref name="residual"/> is the reference at the same place of the residual.
        /// </summary>
        public string Finish(string accumulator, string residual, string offset) =>
            ActivationWriter.Apply(Activation, AddsResidual ? $"{accumulator} + {Width.Load(residual, offset)}" : accumulator);

        /// <summary>A scalar sum finished, for the output element at <paramref name="offset"/>: the same rule one element at a time.</summary>
        public string FinishScalar(string sum, string residual, string offset) =>
            ActivationWriter.Apply(Activation, AddsResidual ? $"{sum} + {Code.At(residual, offset)}" : sum);

        /// <summary>The statements that open the residual for <see cref="Finish"/>, before the first store.</summary>
        public void WriteStart(IndentedWriter writer)
        {
            if (AddsResidual)
            {
                writer.WriteLine(Code.StartRef(_signature.ElementKeyword, "residual"));
            }
        }

        /// <summary>
        /// The pass over a finished output that adds the residual and applies the activation, for a width whose form
        /// stores plain sums: written when the kernel has a residual and some form leaves it to the pass.
        /// </summary>
        public static void WritePass(IndentedWriter writer, KernelSignature signature, ActivationSpec activation, VectorWidth width)
        {
            string t = signature.ElementKeyword;
            int lanes = width.Lanes(signature.ElementType);
            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            writer.WriteLine($"/// <summary>The residual added to the finished output{(activation.IsNone ? string.Empty : $", then {activation.Kind}")}, with {width.Name}.</summary>");
            Code.WriteOptimizedAttribute(writer, guarded: false);
            using (writer.Block($"private static void {ResidualPassMethod}_{width.Name}(global::System.Span<{t}> output, global::System.ReadOnlySpan<{t}> residual)", after: "#endif"))
            {
                writer.WriteLine(Code.StartRef(t, "output"));
                writer.WriteLine(Code.StartRef(t, "residual"));
                writer.WriteLine("int i = 0;");
                using (writer.Block($"for (; i <= output.Length - {lanes}; i += {lanes})"))
                {
                    writer.WriteLine(width.Store(ActivationWriter.Apply(activation, $"{width.Load("outputStart", "i")} + {width.Load("residualStart", "i")}"), "outputStart", "i"));
                }

                using (writer.Block("for (; i < output.Length; i++)"))
                {
                    writer.WriteLine($"{Code.At("outputStart", "i")} = {ActivationWriter.Apply(activation, $"{Code.At("outputStart", "i")} + {Code.At("residualStart", "i")}")};");
                }
            }
        }

        /// <summary>
        /// The scalar loops accumulate into the output, so only a finished output can take the residual and the activation:
        /// one pass after them (the vector forms finish their own).
        /// </summary>
        public static void WriteScalarPass(IndentedWriter writer, KernelSignature signature, ActivationSpec activation)
        {
            bool residual = signature.ResidualParameter is not null;
            if (activation.IsNone && !residual)
            {
                return;
            }

            writer.WriteLine();
            writer.WriteLine(residual
                ? $"// The residual{(activation.IsNone ? string.Empty : $", then {activation.Kind},")} after the loops above have finished every sum (the vector paths add their own)."
                : $"// {activation.Kind}, after the loops above have finished every sum (the vector paths apply it themselves).");
            using (writer.Block("for (int i = 0; i < output.Length; i++)"))
            {
                writer.WriteLine($"output[i] = {ActivationWriter.Apply(activation, residual ? "output[i] + residual[i]" : "output[i]")};");
            }
        }
    }
}
