using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>F.instance_norm</c> with the input's own
    /// statistics (<c>InstanceNorm{1,2,3}d</c>, fast-neural-style's and CycleGAN's normalization): each channel of each
    /// sample minus its mean over space, divided by <c>sqrt(variance + Eps)</c> (the biased variance), then times the
    /// channel's weight plus its bias when given, then <see cref="Activation"/>. Parameters by position: an optional
    /// <c>int</c> batch count, the input <c>[C, spatial...]</c>, optionally the weight <c>[C]</c> and the bias <c>[C]</c>
    /// together (PyTorch's <c>affine=True</c>), and the output of the input's shape, which may be the same memory as the
    /// input (in place), but may not overlap it otherwise.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class InstanceNormAttribute : FusedActivationAttribute
    {
        /// <summary>The value added to the variance before its square root; 1e-5, as in PyTorch, unless given.</summary>
        public double Eps { get; set; } = 1e-5;

        /// <summary>The activation applied to every normalized element; none unless given.</summary>
        public Activation Activation { get; set; }
    }
}
