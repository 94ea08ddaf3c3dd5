using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method that multiplies two tensors element by element, as PyTorch's
    /// <c>x * y</c> (a squeeze-and-excitation scale, a gate), then applies <see cref="Activation"/>.
    /// Parameters by position: an optional <c>int</c> batch count, the input <c>[C, spatial...]</c>, the other operand with
    /// a <c>[Shape]</c> of its own, and the output of the input's shape. The other operand has the input's rank; each of its
    /// dimensions is the input's or 1, and a dimension of 1 is broadcast as PyTorch broadcasts it (<c>[C, 1, 1]</c> multiplies
    /// by one value per channel). Like the input, it holds one slice per sample of a batch. The output may be the same memory
    /// as the input, or as an other operand of the input's shape (in place), but may not overlap either otherwise.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class MulAttribute : FusedActivationAttribute
    {
        /// <summary>The activation applied to every product; none unless given.</summary>
        public Activation Activation { get; set; }
    }
}
