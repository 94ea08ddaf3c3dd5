using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>avg_pool{1,2,3}d</c>: each output
    /// element is the sum of its window's input elements divided by the window's size (see
    /// <see cref="CountIncludePad"/> and <see cref="DivisorOverride"/>). Parameters by position: an optional <c>int</c>
    /// batch count, the input <c>[C, spatial...]</c> and the output <c>[C, spatial...]</c>. Output size per axis:
    /// <c>floor((in + 2*pad - k) / stride) + 1</c> (<c>ceil</c> with <see cref="CeilMode"/>, less one where the last
    /// window would start past the input and the left padding).
    /// </summary>
    /// <remarks>
    /// The stride is the kernel size unless given, as in PyTorch. The pad is at most half the kernel size. The per-axis
    /// properties (<see cref="Kernel"/>, <see cref="Strides"/>, <see cref="Pads"/>) take one value per spatial axis,
    /// outermost first, and replace the scalar value when given.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class AvgPoolAttribute : Attribute
    {
        /// <summary>A window given only by the per-axis properties (<see cref="Kernel"/> is then required).</summary>
        public AvgPoolAttribute() { }

        /// <summary>A square (cubic) window of size <paramref name="k"/>, moved by <paramref name="k"/> on every axis.</summary>
        public AvgPoolAttribute(int k)
        {
            K = k;
            Stride = k;
        }

        /// <summary>A square (cubic) window of size <paramref name="k"/> with the same stride and pad on every axis.</summary>
        public AvgPoolAttribute(int k, int stride, int pad = 0)
        {
            K = k;
            Stride = stride;
            Pad = pad;
        }

        /// <summary>The window size on every spatial axis.</summary>
        public int K { get; }

        /// <summary>The stride on every spatial axis; the window size unless given.</summary>
        public int Stride { get; }

        /// <summary>The zero padding added to both ends of every spatial axis; at most <c>k/2</c>.</summary>
        public int Pad { get; }

        /// <summary>PyTorch's <c>ceil_mode</c>: the output size rounds up, so that a last, partial window is kept.</summary>
        public bool CeilMode { get; set; }

        /// <summary>
        /// PyTorch's <c>count_include_pad</c>, true unless given: the padding counts in the divisor (the part of a window
        /// past the right padding, in ceil mode, never does). False divides by the input elements in the window.
        /// </summary>
        public bool CountIncludePad { get; set; } = true;

        /// <summary>PyTorch's <c>divisor_override</c>: every window's sum is divided by this instead; 0 (the default) for none.</summary>
        public int DivisorOverride { get; set; }

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
    }
}
