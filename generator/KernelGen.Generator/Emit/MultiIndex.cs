using System.Collections.Generic;

namespace KernelGen.Generator.Emit
{
    /// <summary>Row-major walks over small index spaces, for the generator's own compile-time loops.</summary>
    internal static class MultiIndex
    {
        /// <summary>Every index of <paramref name="dims"/>, last axis fastest; each yielded array is a fresh copy.</summary>
        public static IEnumerable<int[]> Enumerate(int[] dims)
        {
            foreach (int d in dims)
            {
                if (d <= 0)
                {
                    yield break;
                }
            }

            var index = new int[dims.Length];
            while (true)
            {
                yield return (int[])index.Clone();
                int axis = dims.Length - 1;
                while (axis >= 0 && ++index[axis] == dims[axis])
                {
                    index[axis] = 0;
                    axis--;
                }

                if (axis < 0)
                {
                    yield break;
                }
            }
        }

        /// <summary>The flat offset of <paramref name="index"/> with the given row-major <paramref name="strides"/>.</summary>
        public static int Offset(int[] index, int[] strides)
        {
            int offset = 0;
            for (int i = 0; i < index.Length; i++)
            {
                offset += index[i] * strides[i];
            }

            return offset;
        }
    }
}
