using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>F.group_norm</c> (<c>GroupNorm</c>, the
    /// normalization of diffusion-model VAE decoders, usually with <see cref="KernelGen.Activation.Silu"/>): the channels
    /// of each sample in <c>groups</c> consecutive groups, each group minus its mean over its channels and space, divided
    /// by <c>sqrt(variance + Eps)</c> (the biased variance), then times each channel's weight plus its bias when given,
    /// then <see cref="Activation"/>. One group is a layer norm over channels and space; as many groups as channels is an
    /// instance norm. Parameters by position: an optional <c>int</c> batch count, the input <c>[C, spatial...]</c>,
    /// optionally the weight <c>[C]</c> and the bias <c>[C]</c> together (PyTorch's <c>affine=True</c>), and the output of
    /// the input's shape, which may be the same memory as the input (in place), but may not overlap it otherwise.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class GroupNormAttribute : FusedActivationAttribute
    {
        /// <summary>Normalizes in <paramref name="groups"/> groups of consecutive channels; it must divide the channels.</summary>
        public GroupNormAttribute(int groups) => Groups = groups;

        /// <summary>The number of groups the channels are split into.</summary>
        public int Groups { get; }

        /// <summary>The value added to the variance before its square root; 1e-5, as in PyTorch, unless given.</summary>
        public double Eps { get; set; } = 1e-5;

        /// <summary>The activation applied to every normalized element; none unless given.</summary>
        public Activation Activation { get; set; }
    }
}
