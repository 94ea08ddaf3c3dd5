using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>conv{1,2,3}d</c>.
    /// Parameters by position: an optional <c>int</c> batch count, the input <c>[C_in, spatial...]</c>, the weight
    /// <c>[C_out, C_in/Groups, k...]</c>, an optional bias <c>[C_out]</c> and the output <c>[C_out, spatial...]</c>.
    /// Output size per axis: <c>floor((in + 2*pad - dilation*(k - 1) - 1) / stride) + 1</c>.
    /// </summary>
    /// <remarks>
    /// The scalar values apply to every spatial axis. The per-axis properties (<see cref="Kernel"/>,
    /// <see cref="Strides"/>, <see cref="Pads"/>, <see cref="Dilations"/>) take one value per spatial axis, outermost
    /// first, and replace the scalar value when given. <c>Groups</c> equal to both channel counts is a depthwise
    /// convolution.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class ConvAttribute : FusedActivationAttribute
    {
        /// <summary>A kernel given only by the per-axis properties (<see cref="Kernel"/> is then required).</summary>
        public ConvAttribute() { }

        /// <summary>A square (cubic) kernel of size <paramref name="k"/> with the same stride and pad on every axis.</summary>
        public ConvAttribute(int k, int stride = 1, int pad = 0)
        {
            K = k;
            Stride = stride;
            Pad = pad;
        }

        /// <summary>The kernel size on every spatial axis.</summary>
        public int K { get; }

        /// <summary>The stride on every spatial axis.</summary>
        public int Stride { get; } = 1;

        /// <summary>The implicit zero padding added to both ends of every spatial axis of the input.</summary>
        public int Pad { get; }

        /// <summary>The spacing between kernel taps on every spatial axis.</summary>
        public int Dilation { get; set; } = 1;

        /// <summary>What the pad holds (<see cref="KernelGen.PaddingMode.Zeros"/> by default): PyTorch's <c>padding_mode</c>.</summary>
        public PaddingMode PaddingMode { get; set; }

        /// <summary>The number of blocked connections from input to output channels; divides both channel counts.</summary>
        public int Groups { get; set; } = 1;

        /// <summary>The activation applied to every output element before it is stored (<see cref="KernelGen.Activation.None"/> by default).</summary>
        public Activation Activation { get; set; }

        /// <summary>Direct convolution or Winograd's minimal filtering (<see cref="ConvAlgorithm.Auto"/> by default: the generator chooses).</summary>
        public ConvAlgorithm Algorithm { get; set; }

        /// <summary>The kernel size per spatial axis, replacing <see cref="K"/>.</summary>
        public int[]? Kernel { get; set; }

        /// <summary>The stride per spatial axis, replacing <see cref="Stride"/>.</summary>
        public int[]? Strides { get; set; }

        /// <summary>The pad per spatial axis, replacing <see cref="Pad"/>.</summary>
        public int[]? Pads { get; set; }

        /// <summary>
        /// The pad after the input per spatial axis, replacing <see cref="Pad"/> (or <see cref="Pads"/>) at that end only:
        /// asymmetric padding, as ONNX's <c>pads</c> and TensorFlow's <c>SAME</c> padding give (the pad before the input
        /// stays <see cref="Pad"/> or <see cref="Pads"/>).
        /// </summary>
        public int[]? PadsEnd { get; set; }

        /// <summary>The dilation per spatial axis, replacing <see cref="Dilation"/>.</summary>
        public int[]? Dilations { get; set; }
    }
}
