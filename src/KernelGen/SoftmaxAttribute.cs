using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>F.softmax(x, dim=1)</c> (or, with
    /// <see cref="Log"/>, <c>F.log_softmax(x, dim=1)</c>): at every position, the channels' exponentials divided by their
    /// sum, computed after subtracting the channels' largest value (so no exponential overflows). A vector of features
    /// <c>[C]</c> (a classifier's logits) is one position, so this is softmax over its last axis; a segmentation map
    /// <c>[C, H, W]</c> gets one distribution per pixel. A NaN among a position's channels makes all of them NaN, as in
    /// PyTorch. Parameters by position: an optional <c>int</c> batch count, the input <c>[C]</c> or <c>[C, spatial...]</c>
    /// and the output of the same shape, which may be the same memory as the input (in place), but may not overlap it
    /// otherwise.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class SoftmaxAttribute : Attribute
    {
        /// <summary>Whether to write the logarithm of the softmax, <c>x - max - log(sum(exp(x - max)))</c>, as <c>F.log_softmax</c>; false unless given.</summary>
        public bool Log { get; set; }
    }
}
