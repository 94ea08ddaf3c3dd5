using System.Collections.Generic;
using System.Linq;

namespace KernelGen.Generator.Model
{
    /// <summary>Element counts and the text of shapes and numbers, as diagnostics and generated comments show them.</summary>
    internal static class ShapeText
    {
        private static readonly string[][] AxisNames =
        {
            new[] { "L" },
            new[] { "H", "W" },
            new[] { "D", "H", "W" },
        };

        /// <summary>PyTorch's names of the spatial axes: L; H, W; D, H, W.</summary>
        public static string AxisName(int spatialRank, int axis) => AxisNames[spatialRank - 1][axis];

        /// <summary>The product of the dimensions, saturated at <see cref="long.MaxValue"/> instead of overflowing.</summary>
        public static long ElementCount(IReadOnlyList<int> dims)
        {
            long count = 1;
            foreach (int d in dims)
            {
                if (d <= 0)
                {
                    return 0;
                }

                count = count > long.MaxValue / d ? long.MaxValue : count * d;
            }

            return count;
        }

        /// <summary>
        /// The product of the dimensions written out exactly, for a message: a count past <see cref="long.MaxValue"/>
        /// (four dimensions of 3,000,000) is the number it is, not the saturated <see cref="ElementCount"/>.
        /// </summary>
        public static string ExactElementCount(IReadOnlyList<int> dims) =>
            ExactProduct(dims.Select(d => (long)d)).ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The product of the dimensions in a type that cannot overflow, for checks and messages past long.</summary>
        public static System.Numerics.BigInteger ExactProduct(IEnumerable<long> dims) =>
            dims.Aggregate(System.Numerics.BigInteger.One, (product, d) => product * d);

        /// <summary>Elements between neighbours on each axis of a row-major array of <paramref name="dims"/>.</summary>
        public static int[] RowMajorStrides(int[] dims)
        {
            var strides = new int[dims.Length];
            int stride = 1;
            for (int i = dims.Length - 1; i >= 0; i--)
            {
                strides[i] = stride;
                stride *= dims[i];
            }

            return strides;
        }

        /// <summary><c>[1, 5, 5]</c>.</summary>
        public static string Format<T>(IReadOnlyList<T> dims) => $"[{Join(", ", dims)}]";

        /// <summary><c>3x3</c>, the way kernel sizes and strides are usually written.</summary>
        public static string Cross<T>(IReadOnlyList<T> values) => Join("x", values);

        /// <summary>The values joined by <paramref name="separator"/>, each formatted invariantly.</summary>
        public static string Join<T>(string separator, IEnumerable<T> values) => string.Join(separator, values.Select(value => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}", value)));
    }
}
