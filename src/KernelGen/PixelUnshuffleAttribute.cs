using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>F.pixel_unshuffle(x, r)</c> (ONNX's
    /// <c>SpaceToDepth</c> with <see cref="PixelShuffleOrder.BlocksFirst"/>): the input <c>[C, H*r, W*r]</c> rearranged
    /// into the output <c>[C*r*r, H, W]</c>, the inverse of <see cref="PixelShuffleAttribute"/>. Parameters by position:
    /// an optional <c>int</c> batch count, the input and the output. Two spatial dimensions, as in PyTorch.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class PixelUnshuffleAttribute : Attribute
    {
        /// <summary>Rearranges with a downscale factor of <paramref name="factor"/> on both axes.</summary>
        public PixelUnshuffleAttribute(int factor) => Factor = factor;

        /// <summary>The downscale factor r.</summary>
        public int Factor { get; }

        /// <summary>Which channel receives which block position; PyTorch's order unless given.</summary>
        public PixelShuffleOrder Order { get; set; }
    }
}
