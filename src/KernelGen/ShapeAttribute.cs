using System;

namespace KernelGen
{
    /// <summary>
    /// The shape of one sample of a kernel's input or output: channels first, then one, two or three spatial
    /// dimensions, row-major as PyTorch's NC(D)HW without the batch dimension.
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class ShapeAttribute : Attribute
    {
        /// <summary>Declares the shape <c>[C, spatial...]</c> of the span this parameter receives.</summary>
        public ShapeAttribute(params int[] dims) => Dims = dims;

        /// <summary>The dimensions, channels first.</summary>
        public int[] Dims { get; }
    }
}
