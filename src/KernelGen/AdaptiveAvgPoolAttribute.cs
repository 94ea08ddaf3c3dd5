using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>adaptive_avg_pool{1,2,3}d</c>: the
    /// output has the given size on every spatial axis, and output position <c>o</c> of an axis averages input
    /// positions <c>floor(o*in/out)</c> to <c>ceil((o+1)*in/out)</c> (exclusive). A size of 1 is global average pooling.
    /// Parameters by position: an optional <c>int</c> batch count, the input <c>[C, spatial...]</c> and the output
    /// <c>[C, size...]</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class AdaptiveAvgPoolAttribute : Attribute
    {
        /// <summary>An output size given only per axis (<see cref="Sizes"/> is then required).</summary>
        public AdaptiveAvgPoolAttribute() { }

        /// <summary>The output size <paramref name="size"/> on every spatial axis; 1 for global pooling.</summary>
        public AdaptiveAvgPoolAttribute(int size) => Size = size;

        /// <summary>The output size on every spatial axis.</summary>
        public int Size { get; }

        /// <summary>The output size per spatial axis, replacing <see cref="Size"/>.</summary>
        public int[]? Sizes { get; set; }
    }
}
