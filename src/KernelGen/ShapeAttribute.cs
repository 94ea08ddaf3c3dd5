using System;

namespace KernelGen
{
    /// <summary>
    /// The shape of one sample of a kernel's input or output: channels first, then one, two or three spatial
    /// dimensions, row-major as PyTorch's NC(D)HW without the batch dimension. KernelGen also puts it on each constant of
    /// a generated <c>{Method}Lengths</c> class, where it gives the shape that constant counts (the weight's too); the
    /// call-site check reads it from there.
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class ShapeAttribute : Attribute
    {
        /// <summary>Declares the shape <c>[C, spatial...]</c> of the span this parameter receives (or, on a lengths constant, that it counts).</summary>
        public ShapeAttribute(params int[] dims) => Dims = dims;

        /// <summary>The dimensions, channels first.</summary>
        public int[] Dims { get; }
    }
}
