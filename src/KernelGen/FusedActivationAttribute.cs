using System;

namespace KernelGen
{
    /// <summary>
    /// The base of every attribute whose kernel applies an activation last: the activation's own constants, each used
    /// by one activation and a compile error (KG0003) beside any other.
    /// </summary>
    public abstract class FusedActivationAttribute : Attribute
    {
        /// <summary>The slope of <see cref="KernelGen.Activation.LeakyRelu"/> below zero; 0.01, as in PyTorch, unless given.</summary>
        public double NegativeSlope { get; set; } = 0.01;

        /// <summary>The value <see cref="KernelGen.Activation.Elu"/> tends to below zero, negated (<c>alpha</c>); 1, as in PyTorch, unless given.</summary>
        public double Alpha { get; set; } = 1.0;

        /// <summary>The lower bound of <see cref="KernelGen.Activation.Clamp"/>; none (negative infinity) unless given.</summary>
        public double Min { get; set; } = double.NegativeInfinity;

        /// <summary>The upper bound of <see cref="KernelGen.Activation.Clamp"/>; none (positive infinity) unless given.</summary>
        public double Max { get; set; } = double.PositiveInfinity;
    }
}
