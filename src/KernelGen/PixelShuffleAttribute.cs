using System;

namespace KernelGen
{
    /// <summary>Which channel of the deep side holds which block position, as ONNX's <c>DepthToSpace</c> modes name them.</summary>
    public enum PixelShuffleOrder
    {
        /// <summary>
        /// PyTorch's <c>pixel_shuffle</c> and ONNX's <c>CRD</c>: channel <c>c*r*r + i*r + j</c> of the deep side is block
        /// position (i, j) of channel c.
        /// </summary>
        ChannelsFirst,

        /// <summary>ONNX's <c>DCR</c> (DepthToSpace's default): channel <c>(i*r + j)*C + c</c> is block position (i, j) of channel c.</summary>
        BlocksFirst,
    }

    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>F.pixel_shuffle(x, r)</c> (ONNX's
    /// <c>DepthToSpace</c>): the input <c>[C*r*r, H, W]</c> rearranged into the output <c>[C, H*r, W*r]</c>, each group of
    /// r*r channels becoming r x r blocks of one channel (ESPCN's and EDSR's upsampling tail). Parameters by position: an
    /// optional <c>int</c> batch count, the input and the output. Two spatial dimensions, as in PyTorch.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class PixelShuffleAttribute : Attribute
    {
        /// <summary>Rearranges with an upscale factor of <paramref name="factor"/> on both axes.</summary>
        public PixelShuffleAttribute(int factor) => Factor = factor;

        /// <summary>The upscale factor r.</summary>
        public int Factor { get; }

        /// <summary>Which channel holds which block position; PyTorch's order unless given.</summary>
        public PixelShuffleOrder Order { get; set; }
    }
}
