namespace KernelGen
{
    /// <summary>
    /// The activation a weighted kernel applies to every output element before it stores it, as PyTorch's function of
    /// the same name (NaN, infinities and large magnitudes included): no second pass over the output.
    /// </summary>
    public enum Activation
    {
        /// <summary>The output as computed.</summary>
        None = 0,

        /// <summary><c>F.relu</c>: <c>max(x, 0)</c>.</summary>
        Relu = 1,

        /// <summary><c>F.leaky_relu</c>: <c>x</c> where positive, else <c>x * NegativeSlope</c> (0.01 unless given).</summary>
        LeakyRelu = 2,

        /// <summary><c>F.relu6</c>: <c>min(max(x, 0), 6)</c>.</summary>
        Relu6 = 3,

        /// <summary><c>torch.tanh</c>.</summary>
        Tanh = 4,

        /// <summary><c>torch.sigmoid</c>: <c>1 / (1 + exp(-x))</c>.</summary>
        Sigmoid = 5,

        /// <summary><c>F.silu</c> (swish): <c>x * sigmoid(x)</c>.</summary>
        Silu = 6,

        /// <summary><c>F.gelu</c>, the exact form: <c>x/2 * (1 + erf(x / sqrt(2)))</c>.</summary>
        Gelu = 7,

        /// <summary><c>F.gelu(x, approximate='tanh')</c>: <c>x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))</c>.</summary>
        GeluTanh = 8,

        /// <summary><c>F.hardsigmoid</c>: <c>min(max(x + 3, 0), 6) / 6</c> (MobileNetV3's gate).</summary>
        HardSigmoid = 9,

        /// <summary><c>F.hardswish</c>: <c>x * min(max(x + 3, 0), 6) / 6</c> (MobileNetV3's activation).</summary>
        HardSwish = 10,

        /// <summary><c>F.elu</c>: <c>x</c> where positive, else <c>Alpha * (exp(x) - 1)</c> (an <c>expm1</c>, exact near zero; Alpha 1 unless given).</summary>
        Elu = 11,

        /// <summary><c>F.softplus</c> with PyTorch's defaults: <c>log(1 + exp(x))</c>, and <c>x</c> itself above 20.</summary>
        Softplus = 12,

        /// <summary><c>F.mish</c>: <c>x * tanh(softplus(x))</c>.</summary>
        Mish = 13,

        /// <summary><c>torch.clamp</c> (ONNX's <c>Clip</c>): <c>min(max(x, Min), Max)</c>, NaN passing; Min, Max or both given.</summary>
        Clamp = 14,

        /// <summary>
        /// <c>F.prelu</c>: <c>x</c> where positive, else <c>x * slope</c> with a learned slope per channel (PyTorch's
        /// <c>nn.PReLU(C)</c>), or one for all channels with <c>[Shape(1)]</c> on it (<c>nn.PReLU()</c>). The slope is a span
        /// parameter of its own, after the bias (or the second operand) and before the output.
        /// </summary>
        PRelu = 15,
    }
}
