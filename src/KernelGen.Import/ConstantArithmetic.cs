using System;
using System.Collections.Generic;
using System.Linq;

namespace KernelGen.Import
{
    /// <summary>
    /// Transpose and Slice on the small constant tensors of shape arithmetic (PyTorch exports a padding's pads as a
    /// reshape, a reversing slice and a transpose of constants), computed at import time as ONNX defines them. Null
    /// results where the arguments are not ones the importer computes (the node is then an error like any other).
    /// </summary>
    internal static class ConstantArithmetic
    {
        public static (double[]? Values, long[]? Dims) Transpose(IReadOnlyList<double> data, IReadOnlyList<long> dims, int[] perm)
        {
            int rank = dims.Count;
            perm = perm.Length == 0 ? Enumerable.Range(0, rank).Reverse().ToArray() : perm;
            if (perm.Length != rank || perm.OrderBy(p => p).Where((p, i) => p != i).Any())
            {
                return (null, null);
            }

            long[] outDims = perm.Select(p => dims[p]).ToArray();
            var result = new double[data.Count];
            long[] strides = Strides(dims);
            var index = new long[rank];
            for (int i = 0; i < result.Length; i++)
            {
                // index is the output's position; its element is the input's at index[perm^-1].
                long source = 0;
                for (int a = 0; a < rank; a++)
                {
                    source += index[a] * strides[perm[a]];
                }

                result[i] = data[(int)source];
                Increment(index, outDims);
            }

            return (result, outDims);
        }

        public static (double[]? Values, long[]? Dims) Slice(IReadOnlyList<double> data, IReadOnlyList<long> dims, long[] starts, long[] ends, long[]? axes, long[]? steps)
        {
            int rank = dims.Count;
            axes ??= Enumerable.Range(0, starts.Length).Select(a => (long)a).ToArray();
            steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
            if (axes.Length != starts.Length || ends.Length != starts.Length || steps.Length != starts.Length || steps.Any(s => s == 0))
            {
                return (null, null);
            }

            var begin = new long[rank];
            var step = Enumerable.Repeat(1L, rank).ToArray();
            long[] count = dims.ToArray();
            for (int i = 0; i < axes.Length; i++)
            {
                long axis = axes[i] < 0 ? axes[i] + rank : axes[i];
                if (axis < 0 || axis >= rank)
                {
                    return (null, null);
                }

                long d = dims[(int)axis], s = starts[i], e = ends[i], st = steps[i];
                s = s < 0 ? s + d : s;
                e = e < 0 ? e + d : e;
                (s, e) = st > 0 ? (Math.Clamp(s, 0, d), Math.Clamp(e, 0, d)) : (Math.Clamp(s, 0, d - 1), Math.Clamp(e, -1, d - 1));
                begin[axis] = s;
                step[axis] = st;
                count[axis] = st > 0 ? Math.Max(0, (e - s + st - 1) / st) : Math.Max(0, (s - e - st - 1) / -st);
            }

            long total = count.Aggregate(1L, (a, b) => a * b);
            var result = new double[total];
            long[] strides = Strides(dims);
            var index = new long[rank];
            for (int i = 0; i < total; i++)
            {
                long source = 0;
                for (int a = 0; a < rank; a++)
                {
                    source += (begin[a] + (index[a] * step[a])) * strides[a];
                }

                result[i] = data[(int)source];
                Increment(index, count);
            }

            return (result, count);
        }

        private static long[] Strides(IReadOnlyList<long> dims)
        {
            var strides = new long[dims.Count];
            long stride = 1;
            for (int a = dims.Count - 1; a >= 0; a--)
            {
                strides[a] = stride;
                stride *= dims[a];
            }

            return strides;
        }

        private static void Increment(long[] index, IReadOnlyList<long> dims)
        {
            for (int a = index.Length - 1; a >= 0; a--)
            {
                if (++index[a] < dims[a])
                {
                    return;
                }

                index[a] = 0;
            }
        }
    }
}
