using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>adaptive_max_pool{1,2,3}d</c>: the
    /// output has the given size on every spatial axis, and output position <c>o</c> of an axis is the largest of input
    /// positions <c>floor(o*in/out)</c> to <c>ceil((o+1)*in/out)</c> (exclusive), a NaN winning as in PyTorch. A size
    /// of 1 is global max pooling.
    /// Parameters by position: an optional <c>int</c> batch count, the input <c>[C, spatial...]</c> and the output
    /// <c>[C, size...]</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class AdaptiveMaxPoolAttribute : Attribute
    {
        /// <summary>An output size given only per axis (<see cref="Sizes"/> is then required).</summary>
        public AdaptiveMaxPoolAttribute() { }

        /// <summary>The output size <paramref name="size"/> on every spatial axis; 1 for global pooling.</summary>
        public AdaptiveMaxPoolAttribute(int size) => Size = size;

        /// <summary>The output size on every spatial axis.</summary>
        public int Size { get; }

        /// <summary>The output size per spatial axis, replacing <see cref="Size"/>.</summary>
        public int[]? Sizes { get; set; }
    }
}
