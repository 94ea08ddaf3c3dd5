using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>max_pool{1,2,3}d</c>: each output
    /// element is the largest input element of its window, a NaN in the window wins, and padding never does.
    /// Parameters by position: an optional <c>int</c> batch count, the input <c>[C, spatial...]</c> and the output
    /// <c>[C, spatial...]</c>. Output size per axis: <c>floor((in + 2*pad - dilation*(k - 1) - 1) / stride) + 1</c>
    /// (<c>ceil</c> with <see cref="CeilMode"/>, less one where the last window would start past the input and the left
    /// padding).
    /// </summary>
    /// <remarks>
    /// The stride is the kernel size unless given, as in PyTorch. The pad is at most half the kernel size. The per-axis
    /// properties (<see cref="Kernel"/>, <see cref="Strides"/>, <see cref="Pads"/>, <see cref="Dilations"/>) take one
    /// value per spatial axis, outermost first, and replace the scalar value when given.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class MaxPoolAttribute : Attribute
    {
        /// <summary>A window given only by the per-axis properties (<see cref="Kernel"/> is then required).</summary>
        public MaxPoolAttribute() { }

        /// <summary>A square (cubic) window of size <paramref name="k"/>, moved by <paramref name="k"/> on every axis.</summary>
        public MaxPoolAttribute(int k)
        {
            K = k;
            Stride = k;
        }

        /// <summary>A square (cubic) window of size <paramref name="k"/> with the same stride and pad on every axis.</summary>
        public MaxPoolAttribute(int k, int stride, int pad = 0)
        {
            K = k;
            Stride = stride;
            Pad = pad;
        }

        /// <summary>The window size on every spatial axis.</summary>
        public int K { get; }

        /// <summary>The stride on every spatial axis; the window size unless given.</summary>
        public int Stride { get; }

        /// <summary>The padding added to both ends of every spatial axis, which never wins a max; at most <c>k/2</c>.</summary>
        public int Pad { get; }

        /// <summary>The spacing between window taps on every spatial axis.</summary>
        public int Dilation { get; set; } = 1;

        /// <summary>PyTorch's <c>ceil_mode</c>: the output size rounds up, so that a last, partial window is kept.</summary>
        public bool CeilMode { get; set; }

        /// <summary>The window size per spatial axis, replacing <see cref="K"/>.</summary>
        public int[]? Kernel { get; set; }

        /// <summary>The stride per spatial axis, replacing <see cref="Stride"/>; the window size per axis unless given.</summary>
        public int[]? Strides { get; set; }

        /// <summary>The pad per spatial axis, replacing <see cref="Pad"/>.</summary>
        public int[]? Pads { get; set; }

        /// <summary>
        /// The pad after the input per spatial axis, replacing <see cref="Pad"/> (or <see cref="Pads"/>) at that end only:
        /// ONNX's asymmetric <c>pads</c> and TensorFlow's <c>SAME</c> pooling; at most half the window, like the pad before.
        /// </summary>
        public int[]? PadsEnd { get; set; }

        /// <summary>The dilation per spatial axis, replacing <see cref="Dilation"/>.</summary>
        public int[]? Dilations { get; set; }
    }
}
