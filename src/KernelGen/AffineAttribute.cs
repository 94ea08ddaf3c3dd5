using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method that computes <c>x * Scale + Offset</c> for every element,
    /// by constants, as PyTorch's <c>x * s + o</c> (a multiply, then an add, each rounded), then applies
    /// <see cref="Activation"/>: EDSR's residual scale, TAESD's <c>tanh(x / 3) * 3</c> as <c>[Affine(Scale = 1.0 / 3,
    /// Activation = Activation.Tanh)]</c> then <c>[Affine(Scale = 3)]</c>, an input normalization. Parameters by position:
    /// an optional <c>int</c> batch count, the input <c>[C, spatial...]</c> and the output of the same shape, which may be
    /// the same memory as the input (in place), but may not overlap it otherwise.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class AffineAttribute : FusedActivationAttribute
    {
        /// <summary>What every element is multiplied by; 1 unless given.</summary>
        public double Scale { get; set; } = 1;

        /// <summary>What is added to every product; 0 unless given.</summary>
        public double Offset { get; set; }

        /// <summary>The activation applied last; none unless given.</summary>
        public Activation Activation { get; set; }
    }
}
