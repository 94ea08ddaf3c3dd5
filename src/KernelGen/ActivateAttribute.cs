using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method that applies an activation to every element, as
    /// PyTorch's <c>F.relu</c>, <c>F.leaky_relu</c>, <c>F.silu</c> and the others do: for an activation that cannot be fused
    /// into a layer (its input also feeds another, as before a residual branch). Parameters by position: an optional
    /// <c>int</c> batch count, the input <c>[C, spatial...]</c> and the output of the same shape, which may be the same
    /// memory as the input (in place), but may not overlap it otherwise.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class ActivateAttribute : FusedActivationAttribute
    {
        /// <summary>Applies <paramref name="activation"/> to every element.</summary>
        public ActivateAttribute(Activation activation) => Activation = activation;

        /// <summary>The activation applied to every element.</summary>
        public Activation Activation { get; }
    }
}
