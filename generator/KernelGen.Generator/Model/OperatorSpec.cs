namespace KernelGen.Generator.Model
{
    /// <summary>The resolved, validated parameters of one operator; one subtype per operator.</summary>
    internal abstract record OperatorSpec
    {
        /// <summary>The activation every output element goes through before it is stored; none for upsampling.</summary>
        public ActivationSpec Activation { get; init; } = ActivationSpec.None;
    }

    /// <summary>The activations, mirrored from the public <c>KernelGen.Activation</c> by value.</summary>
    internal enum ActivationKind
    {
        None = 0,
        Relu = 1,
        LeakyRelu = 2,
        Relu6 = 3,
        Tanh = 4,
        Sigmoid = 5,
        Silu = 6,
        Gelu = 7,
        GeluTanh = 8,
        HardSigmoid = 9,
        HardSwish = 10,
        Elu = 11,
        Softplus = 12,
        Mish = 13,
        Clamp = 14,
        PRelu = 15,
    }

    /// <summary>An activation and its constants: LeakyRelu's slope below zero, Elu's alpha, Clamp's bounds (infinite where not given).</summary>
    internal sealed record ActivationSpec(ActivationKind Kind, double NegativeSlope)
    {
        public static readonly ActivationSpec None = new(ActivationKind.None, 0.01);

        public double Alpha { get; init; } = 1.0;

        public double Min { get; init; } = double.NegativeInfinity;

        public double Max { get; init; } = double.PositiveInfinity;

        public bool IsNone => Kind == ActivationKind.None;
    }

    /// <summary>PyTorch's <c>conv_transpose{1,2,3}d</c>, every value given per spatial axis.</summary>
    internal sealed record ConvTransposeSpec(
        EquatableArray<int> Kernel,
        EquatableArray<int> Stride,
        EquatableArray<int> Pad,
        EquatableArray<int> OutputPadding,
        EquatableArray<int> Dilation,
        int Groups) : OperatorSpec;

    /// <summary>PyTorch's <c>conv{1,2,3}d</c>, every value given per spatial axis.</summary>
    internal sealed record ConvSpec(
        EquatableArray<int> Kernel,
        EquatableArray<int> Stride,
        EquatableArray<int> Pad,
        EquatableArray<int> Dilation,
        int Groups) : OperatorSpec
    {
        /// <summary>What the pad holds: zeros, or the input's values reflected, replicated or wrapped (<c>padding_mode</c>).</summary>
        public PaddingMode Padding { get; init; } = PaddingMode.Zeros;

        /// <summary>The pad after the input per axis where it differs from <see cref="Pad"/> (ONNX's asymmetric pads); empty when equal.</summary>
        public EquatableArray<int> PadEnd { get; init; } = EquatableArray<int>.Empty;

        public int PadEndAt(int axis) => PadEnd.Count == 0 ? Pad[axis] : PadEnd[axis];

        /// <summary>Whether the convolution pads its input into a buffer first: a padding mode other than zeros, or pads that differ at the two ends.</summary>
        public bool PadsIntoBuffer => Padding != PaddingMode.Zeros || PadEnd.Count != 0;

        /// <summary>Direct convolution, Winograd, or the planner's choice (<c>Algorithm</c> on the attribute).</summary>
        public ConvAlgorithm Algorithm { get; init; } = ConvAlgorithm.Auto;
    }

    /// <summary>The convolution algorithms, mirrored from the public <c>KernelGen.ConvAlgorithm</c> by value.</summary>
    internal enum ConvAlgorithm
    {
        Auto = 0,
        Direct = 1,
        Winograd = 2,
    }

    /// <summary>The padding modes, mirrored from the public <c>KernelGen.PaddingMode</c> by value.</summary>
    internal enum PaddingMode
    {
        Zeros = 0,
        Reflect = 1,
        Replicate = 2,
        Circular = 3,
    }

    /// <summary>The upsampling modes, mirrored from the public <c>KernelGen.UpsampleMode</c> by value.</summary>
    internal enum UpsampleMode
    {
        Nearest = 0,
        NearestExact = 1,
        Linear = 2,
        Cubic = 3,
    }

    /// <summary>
    /// PyTorch's <c>F.interpolate</c> with <c>scale_factor</c>, one scale per spatial axis; or with <c>size</c>, the
    /// output's shape, where every scale is 0 (PyTorch's None: the source coordinate scale is then in / out).
    /// </summary>
    internal sealed record UpsampleSpec(EquatableArray<double> Scales, UpsampleMode Mode, bool AlignCorners) : OperatorSpec
    {
        public bool IsFromSize => Scales.Count > 0 && Scales[0] == 0;
    }

    /// <summary>PyTorch's <c>conv{1,2,3}d</c> with a kernel of 1.</summary>
    internal sealed record Conv1x1Spec(int Groups) : OperatorSpec;

    /// <summary><c>[Linear]</c>: <c>F.linear</c>, its sizes those of the input and output vectors; the activation is the base record's.</summary>
    internal sealed record LinearSpec : OperatorSpec;

    /// <summary>Which reduction a pool applies to its window.</summary>
    internal enum PoolKind
    {
        Max,
        Average,
    }

    /// <summary>
    /// PyTorch's <c>max_pool{1,2,3}d</c> and <c>avg_pool{1,2,3}d</c>, every value given per spatial axis (a dilation of
    /// 1 for averaging, which has none).
    /// </summary>
    /// <param name="DivisorOverride">Average pooling's divisor for every window; 0 for none.</param>
    internal sealed record PoolSpec(
        PoolKind Kind,
        EquatableArray<int> Kernel,
        EquatableArray<int> Stride,
        EquatableArray<int> Pad,
        EquatableArray<int> Dilation,
        bool CeilMode,
        bool CountIncludePad,
        int DivisorOverride) : OperatorSpec
    {
        /// <summary>The pad after the input per axis where it differs from <see cref="Pad"/> (ONNX's asymmetric pads); empty when equal.</summary>
        public EquatableArray<int> PadEnd { get; init; } = EquatableArray<int>.Empty;

        public int PadEndAt(int axis) => PadEnd.Count == 0 ? Pad[axis] : PadEnd[axis];
    }

    /// <summary>PyTorch's <c>adaptive_max_pool{1,2,3}d</c> and <c>adaptive_avg_pool{1,2,3}d</c>: the output size per spatial axis.</summary>
    internal sealed record AdaptivePoolSpec(PoolKind Kind, EquatableArray<int> Sizes) : OperatorSpec;

    /// <summary>An activation on its own, element by element (the activation is the base record's).</summary>
    internal sealed record ActivateSpec : OperatorSpec;

    /// <summary>Which element-wise operation combines the input with its second operand or constants.</summary>
    internal enum ElementwiseKind
    {
        Add,
        Mul,
        Affine,
    }

    /// <summary>
    /// PyTorch's <c>x + y</c>, <c>x * y</c> (the second operand broadcast where its shape has a 1) and <c>x * s + o</c>.
    /// </summary>
    /// <param name="Scale">The affine map's factor; 1, and not applied, for the others.</param>
    /// <param name="Offset">The affine map's term; 0, and not applied, for the others.</param>
    internal sealed record ElementwiseSpec(ElementwiseKind Kind, double Scale, double Offset) : OperatorSpec;

    /// <summary>
    /// PyTorch's <c>pixel_shuffle</c> (<paramref name="Unshuffle"/> false: depth to space) and <c>pixel_unshuffle</c>
    /// (space to depth) with factor <paramref name="Factor"/> on both axes.
    /// </summary>
    /// <param name="BlocksFirst">ONNX's DCR order: the deep side's channel is (i*r + j)*C + c, not PyTorch's c*r*r + i*r + j.</param>
    internal sealed record PixelShuffleSpec(bool Unshuffle, int Factor, bool BlocksFirst) : OperatorSpec;

    /// <summary>
    /// PyTorch's <c>group_norm</c> and <c>instance_norm</c> (with the input's own statistics): the channels in
    /// <paramref name="Groups"/> groups (as many as channels for an instance norm), each normalized by its own mean and
    /// biased variance.
    /// </summary>
    /// <param name="Instance">Whether the attribute was <c>[InstanceNorm]</c>, for the names in the generated code.</param>
    internal sealed record NormSpec(int Groups, double Eps, bool Instance) : OperatorSpec;

    /// <summary><c>[Softmax]</c>: over the channels at every position; <see cref="Log"/> for log-softmax.</summary>
    internal sealed record SoftmaxSpec(bool Log) : OperatorSpec;
}
