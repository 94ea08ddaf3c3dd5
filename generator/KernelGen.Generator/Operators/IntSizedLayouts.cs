using System.Collections.Generic;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// The vector layouts of both convolutions compute their buffers' sizes and offsets as ints. They apply while the
    /// input, grown on each axis by twice its window and padding, its stride and a vector, and the output stay under
    /// <c>limit</c> elements (half of int.MaxValue for the convolution, whose layout checks its copies itself; a
    /// quarter for the transposed convolution, whose shifted copies multiply its padded volume); a larger layer keeps
    /// the scalar loops, whose indices stay within its buffers.
    /// (A 1-D layer of 2^31 - 1 positions got a padded plane that wrapped to a negative size: vector loads at offsets
    /// that did not compile, CS0221, and tiles that came out empty.)
    /// </summary>
    internal static class IntSizedLayouts
    {
        public static bool Fit(KernelSignature signature, IReadOnlyList<int> kernel, IReadOnlyList<int> stride, IReadOnlyList<int> pad, IReadOnlyList<int> dilation, long limit)
        {
            long grown = signature.InputShape[0];
            for (int axis = 0; axis < signature.SpatialRank; axis++)
            {
                grown *= signature.InputShape[axis + 1] + (2L * ((dilation[axis] * (long)kernel[axis]) + pad[axis])) + stride[axis] + 64;
                if (grown > limit)
                {
                    return false;
                }
            }

            return ShapeText.ElementCount(signature.OutputShape) <= limit;
        }
    }
}
