using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace KernelGen
{
    /// <summary>
    /// Prints a row-major tensor the way PyTorch's <c>print(tensor)</c> does with its default options (4 decimals,
    /// 80 columns), so that a kernel's output can be compared with PyTorch's by eye or as text. Unlike PyTorch it
    /// never shortens large tensors with "...".
    /// </summary>
    public static class TorchFormat
    {
        private const int Precision = 4;
        private const int LineWidth = 80;
        private const string Prefix = "tensor(";

        /// <summary>Formats float32 values of the given <paramref name="shape"/>, as <c>tensor([[1., 2.], [3., 4.]])</c>.</summary>
        public static string Format(IReadOnlyList<float> values, params int[] shape) =>
            Format(values.Select(v => (double)v).ToArray(), shape, dtypeSuffix: string.Empty);

        /// <summary>Formats float64 values; PyTorch adds <c>dtype=torch.float64</c>, and so does this.</summary>
        public static string Format(IReadOnlyList<double> values, params int[] shape) =>
            Format(values.ToArray(), shape, dtypeSuffix: ", dtype=torch.float64");

        private static string Format(double[] values, int[] shape, string dtypeSuffix)
        {
            if (shape is null || shape.Length == 0)
            {
                throw new ArgumentException("A tensor needs at least one dimension.", nameof(shape));
            }

            long count = shape.Aggregate(1L, (product, dim) => product * dim);
            if (count != values.Length)
            {
                throw new ArgumentException($"The shape [{string.Join(", ", shape)}] holds {count} values, but {values.Length} were given.", nameof(values));
            }

            Func<double, string> formatter = Formatter(values);
            int width = values.Length == 0 ? 0 : values.Max(v => formatter(v).Length);
            var text = new StringBuilder(Prefix);
            Append(text, values, shape, 0, 0, Prefix.Length, v => formatter(v).PadLeft(width), width);
            return text.Append(dtypeSuffix).Append(')').ToString();
        }

        /// <summary>PyTorch's choice: whole numbers as <c>11.</c>, else fixed 4 decimals, or scientific when the range is wide.</summary>
        private static Func<double, string> Formatter(double[] values)
        {
            double[] finite = values.Where(v => !double.IsNaN(v) && !double.IsInfinity(v) && v != 0).Select(Math.Abs).ToArray();
            bool wholeNumbers = values.All(v => double.IsNaN(v) || double.IsInfinity(v) || Math.Floor(v) == v);
            double max = finite.Length > 0 ? finite.Max() : 0, min = finite.Length > 0 ? finite.Min() : 0;
            if (wholeNumbers)
            {
                return max > 1e8 ? Scientific : v => Special(v) ?? v.ToString("F0", CultureInfo.InvariantCulture) + ".";
            }

            bool scientific = finite.Length > 0 && (max / min > 1000 || max > 1e8 || min < 1e-4);
            return scientific ? Scientific : v => Special(v) ?? v.ToString("F" + Precision, CultureInfo.InvariantCulture);
        }

        private static string Scientific(double value)
        {
            if (Special(value) is { } special)
            {
                return special;
            }

            string text = value.ToString("0." + new string('0', Precision) + "e+00", CultureInfo.InvariantCulture);
            return text;
        }

        private static string? Special(double value) =>
            double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf" : null;

        private static void Append(StringBuilder text, double[] values, int[] shape, int dim, int offset, int indent, Func<double, string> format, int width)
        {
            int size = shape[dim];
            int stride = 1;
            for (int d = dim + 1; d < shape.Length; d++)
            {
                stride *= shape[d];
            }

            text.Append('[');
            if (dim == shape.Length - 1)
            {
                int perLine = Math.Max(1, (LineWidth - indent) / (width + 2));
                for (int i = 0; i < size; i++)
                {
                    if (i > 0)
                    {
                        text.Append(i % perLine == 0 ? ",\n" + new string(' ', indent + 1) : ", ");
                    }

                    text.Append(format(values[offset + i]));
                }
            }
            else
            {
                int remaining = shape.Length - dim - 1;
                for (int i = 0; i < size; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',').Append('\n', remaining).Append(' ', indent + 1);
                    }

                    Append(text, values, shape, dim + 1, offset + (i * stride), indent + 1, format, width);
                }
            }

            text.Append(']');
        }
    }
}
