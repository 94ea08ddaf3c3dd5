using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>conv{1,2,3}d</c> with a kernel of 1:
    /// a matrix product over channels. Parameters by position: an optional <c>int</c> batch count, the input
    /// <c>[C_in, spatial...]</c>, the weight <c>[C_out, C_in/Groups]</c>, an optional bias <c>[C_out]</c> and the
    /// output <c>[C_out, spatial...]</c> with the same spatial dimensions as the input.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class Conv1x1Attribute : FusedActivationAttribute
    {
        /// <summary>The number of blocked connections from input to output channels; divides both channel counts.</summary>
        public int Groups { get; set; } = 1;

        /// <summary>The activation applied to every output element before it is stored (<see cref="KernelGen.Activation.None"/> by default).</summary>
        public Activation Activation { get; set; }
    }
}
