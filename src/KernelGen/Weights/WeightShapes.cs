#if NETSTANDARD2_1_OR_GREATER || NETCOREAPP
using System;
using System.Collections.Generic;
using System.Linq;

namespace KernelGen.Weights
{
    /// <summary>The rule by which every weight reader (safetensors, ONNX) accepts a stored tensor for a kernel's buffer.</summary>
    internal static class WeightShapes
    {
        /// <summary>
        /// Whether <paramref name="stored"/> holds its elements in the order of <paramref name="expected"/>: the same
        /// dimensions once those of size 1 are left out, which do not change the order (a 1x1 convolution's weight is
        /// [C_out, C_in] for the kernel and [C_out, C_in, 1, 1] in PyTorch, the same data).
        /// </summary>
        public static bool SameElementOrder(IEnumerable<long> stored, ReadOnlySpan<int> expected) =>
            stored.Where(d => d != 1).SequenceEqual(expected.ToArray().Where(d => d != 1).Select(d => (long)d));
    }
}
#endif
