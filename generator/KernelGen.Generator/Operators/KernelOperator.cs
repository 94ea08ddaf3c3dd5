using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// One operator's part in every stage: its attribute, its validation (which owns its shape rules), the size of its
    /// work for the planner, and its bodies for the emitter. Adding an operator means one subclass and one line in
    /// <see cref="All"/>.
    /// </summary>
    internal abstract class KernelOperator
    {
        public static readonly KernelOperator[] All =
        {
            ConvTranspose.ConvTransposeOperator.Instance,
            Upsample.UpsampleOperator.Instance,
            Conv1x1.Conv1x1Operator.Instance,
            Conv.ConvOperator.Instance,
            Pool.PoolOperator.Max,
            Pool.PoolOperator.Average,
            Pool.AdaptivePoolOperator.Max,
            Pool.AdaptivePoolOperator.Average,
            Activate.ActivateOperator.Instance,
            Elementwise.ElementwiseOperator.Add,
            Elementwise.ElementwiseOperator.Mul,
            Elementwise.ElementwiseOperator.Affine,
            PixelShuffle.PixelShuffleOperator.Shuffle,
            PixelShuffle.PixelShuffleOperator.Unshuffle,
            Norm.NormOperator.Instance,
            Norm.NormOperator.Group,
            Linear.LinearOperator.Instance,
            Softmax.SoftmaxOperator.Instance,
        };

        /// <summary>The attribute's metadata name, such as <c>KernelGen.ConvTransposeAttribute</c>.</summary>
        public abstract string AttributeName { get; }

        /// <summary>Whether the body can be written fully unrolled, as weighted sums of constant-index inputs (<see cref="Unroll"/>).</summary>
        public virtual bool HasUnrolledForm => true;

        /// <summary>Whether the operator takes a weight and an optional bias between its input and output.</summary>
        public abstract bool HasWeight { get; }

        /// <summary>Whether the operator takes a second operand with a [Shape] of its own between its input and output (<c>[Add]</c>, <c>[Mul]</c>).</summary>
        public virtual bool HasOther => false;

        /// <summary>
        /// The parameter lists the operator accepts after the optional batch count, each as the roles of its buffers in
        /// order: the one rule by which the parser, the call-site analyzer and the parts written for rejected
        /// declarations read parameters. A weighted operator takes input, weight, an optional bias and output; an
        /// element-wise one with a second operand input, other and output; the rest input and output.
        /// </summary>
        public virtual IReadOnlyList<string[]> ParameterLists => HasWeight
            ? new[] { new[] { "input", "weight", "output" }, new[] { "input", "weight", "bias", "output" } }
            : HasOther
                ? new[] { new[] { "input", "other", "output" } }
                : new[] { new[] { "input", "output" } };

        /// <summary>
        /// The parameter lists with the extra buffers the declaration asks for, or as they are: a residual
        /// (<paramref name="residual"/>, a parameter marked <c>[Residual]</c>) after the bias, then PReLU's slope
        /// (<paramref name="slope"/>, a parameter of the activation: <see cref="TakesSlope(AttributeArguments)"/>), both
        /// before the output.
        /// </summary>
        public IReadOnlyList<string[]> ParameterListsFor(bool slope, bool residual = false) =>
            ParameterLists.Select(list => list.Take(list.Length - 1)
                .Concat(residual && TakesResidual ? new[] { "residual" } : new string[0])
                .Concat(slope ? new[] { "slope" } : new string[0])
                .Append("output").ToArray()).ToArray();

        /// <summary>Whether the operator adds a residual (a parameter marked <c>[Residual]</c>) before its activation: every weighted one.</summary>
        public virtual bool TakesResidual => HasWeight;

        public int MinimumBuffers(bool slope, bool residual = false) => ParameterListsFor(slope, residual).Min(list => list.Length);

        public int MaximumBuffers(bool slope, bool residual = false) => ParameterListsFor(slope, residual).Max(list => list.Length);

        /// <summary>Whether one of the parameter lists has <paramref name="buffers"/> buffers.</summary>
        public bool AcceptsBuffers(int buffers, bool slope, bool residual = false) => ParameterListsFor(slope, residual).Any(list => list.Length == buffers);

        /// <summary>Whether the attribute asks for PReLU, whose slopes are a span parameter of the kernel.</summary>
        public bool TakesSlope(AttributeArguments args) => HasActivation && args.GetEnum(ActivationArgument, 0) == (int)ActivationKind.PRelu;

        /// <summary>The parameter list in words, for the diagnostic about a wrong one.</summary>
        public virtual string ParameterDescription => HasWeight
            ? "(optional int batch, ReadOnlySpan input, ReadOnlySpan weight, optional ReadOnlySpan bias, optional [Residual] ReadOnlySpan residual, Span output)"
            : HasOther
                ? "(optional int batch, ReadOnlySpan input, ReadOnlySpan other, Span output)"
                : "(optional int batch, ReadOnlySpan input, Span output)";

        /// <summary>
        /// The role of each span parameter, in order, for a kernel with <paramref name="buffers"/> of them: the parameter
        /// list of that length, or for a count no list has (a declaration being rejected) the longest shorter one.
        /// </summary>
        public IReadOnlyList<string> BufferRoles(int buffers, bool slope, bool residual = false) =>
            ParameterListsFor(slope, residual).Where(list => list.Length <= buffers).OrderBy(list => list.Length).LastOrDefault() ?? ParameterListsFor(slope, residual)[0];

        /// <summary>
        /// The ranks a buffer's <c>[Shape]</c> may have and the rule in words for the diagnostic: channels and one to three
        /// spatial dimensions, unless the operator says otherwise.
        /// </summary>
        public virtual (int Min, int Max, string Rule) BufferRanks => (2, 4, "a kernel buffer has channels and 1 to 3 spatial dimensions");

        /// <summary>
        /// Whether the body takes the whole batch at once, as the rows of one matrix product (<see cref="WriteBatchBody"/>),
        /// instead of one call per sample; such a body applies its bias, residual and activation itself.
        /// </summary>
        public virtual bool TakesWholeBatch => false;

        /// <summary>
        /// The implementation of an operator that <see cref="TakesWholeBatch"/>: <c>{M}_Batch(int rows, buffers...)</c>,
        /// the buffers named by their roles, and its helpers.
        /// </summary>
        public virtual void WriteBatchBody(IndentedWriter writer, KernelPlan plan, IReadOnlyList<KernelBuffer> buffers) =>
            throw new System.InvalidOperationException($"{GetType().Name} runs one sample at a time.");

        /// <summary>The operator whose attribute has this metadata name, or null.</summary>
        public static KernelOperator? ForAttribute(string? metadataName)
        {
            foreach (KernelOperator op in All)
            {
                if (op.AttributeName == metadataName)
                {
                    return op;
                }
            }

            return null;
        }

        public static bool IsKernelAttribute(string? metadataName) => ForAttribute(metadataName) is not null;

        public static KernelOperator For(OperatorSpec spec) => spec switch
        {
            ConvTransposeSpec => ConvTranspose.ConvTransposeOperator.Instance,
            UpsampleSpec => Upsample.UpsampleOperator.Instance,
            ConvSpec => Conv.ConvOperator.Instance,
            PoolSpec { Kind: PoolKind.Max } => Pool.PoolOperator.Max,
            PoolSpec => Pool.PoolOperator.Average,
            AdaptivePoolSpec { Kind: PoolKind.Max } => Pool.AdaptivePoolOperator.Max,
            AdaptivePoolSpec => Pool.AdaptivePoolOperator.Average,
            ActivateSpec => Activate.ActivateOperator.Instance,
            ElementwiseSpec { Kind: ElementwiseKind.Add } => Elementwise.ElementwiseOperator.Add,
            ElementwiseSpec { Kind: ElementwiseKind.Mul } => Elementwise.ElementwiseOperator.Mul,
            ElementwiseSpec => Elementwise.ElementwiseOperator.Affine,
            PixelShuffleSpec { Unshuffle: false } => PixelShuffle.PixelShuffleOperator.Shuffle,
            PixelShuffleSpec => PixelShuffle.PixelShuffleOperator.Unshuffle,
            NormSpec { Instance: true } => Norm.NormOperator.Instance,
            NormSpec => Norm.NormOperator.Group,
            LinearSpec => Linear.LinearOperator.Instance,
            SoftmaxSpec => Softmax.SoftmaxOperator.Instance,
            _ => Conv1x1.Conv1x1Operator.Instance,
        };

        /// <summary>The PyTorch-style name at this rank, such as <c>ConvTranspose2d</c>.</summary>
        public abstract string Name(int spatialRank, OperatorSpec spec);

        /// <summary>Checks the attribute against the declared shapes; null, with diagnostics, when they disagree.</summary>
        public abstract OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics);

        /// <summary>Every operator with weights takes a fused activation (<c>Activation</c>, <c>NegativeSlope</c>).</summary>
        public virtual bool HasActivation => HasWeight;

        /// <summary>The attribute argument that names the activation.</summary>
        public virtual string ActivationArgument => "Activation";

        /// <summary>
        /// Whether the output may be the same memory as the input (an element-wise operator that reads each element
        /// before it writes it); every other overlap is refused at run time.
        /// </summary>
        public virtual bool AllowsInPlace => false;

        /// <summary>The validated spec with its activation read from the attribute; null, with diagnostics, when that is invalid.</summary>
        public OperatorSpec? WithActivation(ParsedKernel kernel, OperatorSpec spec, List<DiagnosticInfo> diagnostics)
        {
            if (!HasActivation)
            {
                return spec;
            }

            ActivationSpec? activation = ActivationParameters.Read(kernel.Attribute, diagnostics, ActivationArgument);
            return activation is null ? null : spec with { Activation = activation };
        }

        /// <summary>
        /// For a kernel that pads its input into a buffer before it runs (a padding mode other than zeros), the signature
        /// and parameters of what runs on that buffer: the padded input and no padding. Null by default.
        /// </summary>
        public virtual (KernelSignature Signature, OperatorSpec Spec)? PaddedBody(KernelSignature signature, OperatorSpec spec) => null;

        /// <summary>
        /// The sample method's body of a kernel with a <see cref="KernelPlan.PaddedBody"/>: the input padded into a buffer,
        /// then <paramref name="bodyMethod"/> called with the buffer and <paramref name="otherArguments"/>.
        /// </summary>
        public virtual void WritePaddedSample(IndentedWriter writer, KernelPlan plan, string bodyMethod, IEnumerable<string> otherArguments) =>
            throw new System.InvalidOperationException($"{GetType().Name} pads no input.");

        /// <summary>Multiply-adds (or weighted reads, for upsampling) per sample: the measure of the unrolling budget.</summary>
        public abstract long MultiplyAdds(KernelSignature signature, OperatorSpec spec);

        /// <summary>The weight's shape in its PyTorch layout, or null for an operator without weights.</summary>
        public virtual int[]? WeightShape(KernelSignature signature, OperatorSpec spec) => null;

        /// <summary>
        /// Whether the weight's first axis is the output channel (a convolution's <c>[C_out, ...]</c>); a transposed
        /// convolution's is the input channel, <c>[C_in, C_out/groups, ...]</c>.
        /// </summary>
        public virtual bool WeightIsOutputChannelFirst => true;

        /// <summary>The names of the weight's dimensions, such as <c>C_in, C_out/groups, kH, kW</c>.</summary>
        public virtual string WeightLayout(int spatialRank) => string.Empty;

        /// <summary>Comment lines after the buffers: the operator's parameters and its output-size arithmetic.</summary>
        public abstract IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec);

        /// <summary>Header lines on how the vector forms compute (an algorithm chosen per width), after the line that lists them; none by default.</summary>
        public virtual IEnumerable<string> DescribeVectorForms(KernelSignature signature, OperatorSpec spec) => System.Linq.Enumerable.Empty<string>();

        /// <summary>The fully unrolled form: every output element as a sum of constant-index terms.</summary>
        public abstract IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec);

        /// <summary>Members the bodies need beside the methods, such as constant tables; none by default.</summary>
        public virtual void WriteMembers(IndentedWriter writer, KernelPlan plan)
        {
        }

        /// <summary>
        /// The vector widths the looped form has a method for, in the order its dispatch tries them; empty when only the
        /// scalar loops exist. The dispatch and the header of the generated file both come from this.
        /// </summary>
        public abstract VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec);

        /// <summary>Why a kernel has no vector form, for the header of one that has none.</summary>
        public virtual string NoVectorForm => "no vector form for this rank, mode or dilation";

        /// <summary>
        /// Whether the vector form at <paramref name="width"/> adds a residual to its accumulators before it stores them
        /// (<see cref="Epilogue"/>): only a form that stores whole vectors of consecutive outputs can; otherwise one pass
        /// over the finished output adds it. False by default.
        /// </summary>
        public virtual bool ResidualInRegisters(KernelSignature signature, OperatorSpec spec, VectorWidth width) => false;

        /// <summary>The epilogue of the vector form at <paramref name="width"/>: what it does to its sums, and what the pass after it does.</summary>
        public Epilogue EpilogueOf(KernelSignature signature, OperatorSpec spec, VectorWidth width) =>
            new Epilogue(signature, spec.Activation, width, ResidualInRegisters(signature, spec, width));

        /// <summary>What the vector paths need at run time besides the hardware, in words for the header; null when nothing.</summary>
        public virtual string? VectorCondition => null;

        /// <summary>The looped form's body, reading <c>input</c>, <c>weight</c>, <c>bias</c> and writing <c>output</c> of one sample.</summary>
        public abstract void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec);
    }
}
