using System.Globalization;
using KernelGen.Generator.Operators.Conv;

namespace KernelGen.Generator.Operators.Pool
{
    /// <summary>
    /// The shape rules of pooling, in one place: the diagnostics, the generated comments and the emitter use them.
    /// Output position <c>o</c> reads the window of input positions <c>o*stride - pad + tap*dilation</c>; a position
    /// outside the input is padding, which never wins a max and counts in an average's divisor only as PyTorch says.
    /// </summary>
    internal static class PoolShape
    {
        /// <summary>
        /// PyTorch's pooling output size: <c>(in + 2*pad - window)/stride + 1</c> with the division rounded down, or up
        /// in ceil mode, where the last window is then dropped when it would start at or past the input and its left
        /// padding (<c>(out - 1)*stride >= in + pad</c>). In 64 bits; zero or less when no window fits.
        /// </summary>
        public static long OutputSize(int input, int kernel, int stride, int pad, int dilation, bool ceilMode) =>
            OutputSize(input, kernel, stride, pad, pad, dilation, ceilMode);

        /// <summary>The same with a pad of <paramref name="pad"/> before the input and <paramref name="padEnd"/> after it.</summary>
        public static long OutputSize(int input, int kernel, int stride, int pad, int padEnd, int dilation, bool ceilMode)
        {
            long span = (long)input + pad + padEnd - ConvShape.Window(kernel, dilation);
            long size = FloorDivide(span + (ceilMode ? stride - 1 : 0), stride) + 1;
            return ceilMode && LastWindowStartsPastInput(size, input, stride, pad) ? size - 1 : size;
        }

        /// <summary>The ceil-mode rule: the window at <c>(size - 1)*stride</c> would start at or past <c>in + pad</c>.</summary>
        private static bool LastWindowStartsPastInput(long size, int input, int stride, int pad) => size > 0 && (size - 1) * stride >= (long)input + pad;

        /// <summary>The output-size arithmetic of one axis, such as <c>H: floor((28 + 2*1 - 3)/2) + 1 = 14</c>.</summary>
        public static string Arithmetic(string axis, int input, int kernel, int stride, int pad, int padEnd, int dilation, bool ceilMode)
        {
            string window = dilation == 1 ? Number(kernel) : $"({Number(dilation)}*({Number(kernel)} - 1) + 1)";
            string padded = pad == padEnd ? $"{Number(input)} + 2*{Number(pad)}" : $"{Number(input)} + {Number(pad)} + {Number(padEnd)}";
            long span = (long)input + pad + padEnd - ConvShape.Window(kernel, dilation);
            long rounded = FloorDivide(span + (ceilMode ? stride - 1 : 0), stride) + 1;
            long size = OutputSize(input, kernel, stride, pad, padEnd, dilation, ceilMode);
            string text = $"{axis}: {(ceilMode ? "ceil" : "floor")}(({padded} - {window})/{Number(stride)}) + 1 = {Long(rounded)}";
            if (size <= 0)
            {
                return $"{axis}: {padded} is smaller than the window {window}";
            }

            return size == rounded ? text
                : $"{text}, less 1 = {Long(size)}: in the padded input that last window would start at {Long(rounded - 1)}*{Number(stride)} = {Long((rounded - 1) * stride)}, "
                    + $"not before the end of the input and its left padding, {Number(input)} + {Number(pad)} = {Long((long)input + pad)} (PyTorch's ceil-mode rule)";
        }

        /// <summary>
        /// Adaptive pooling's window on one axis (PyTorch's <c>start_index</c> and <c>end_index</c>): output position
        /// <c>o</c> of <paramref name="output"/> covers input <c>[floor(o*in/out), ceil((o+1)*in/out))</c>, never empty.
        /// As C# the generated code evaluates, in 64 bits where <c>in*out</c> would not fit an int.
        /// </summary>
        public static (string Start, string End) AdaptiveWindow(string o, int input, int output)
        {
            bool wide = (long)input * output > int.MaxValue;
            string Product(string factor)
            {
                string operand = factor.Contains(" ") ? $"({factor})" : factor;
                return wide ? $"(long){operand} * {Number(input)}" : $"{operand} * {Number(input)}";
            }

            string start = $"{Product(o)} / {Number(output)}";
            string end = $"1 + ({Product($"{o} + 1")} - 1) / {Number(output)}";
            return wide ? ($"(int)({start})", $"(int)({end})") : (start, end);
        }

        /// <summary>Division rounded toward negative infinity, as PyTorch's <c>div_rtn</c>.</summary>
        private static long FloorDivide(long numerator, long denominator)
        {
            long quotient = numerator / denominator;
            return numerator % denominator != 0 && (numerator < 0) != (denominator < 0) ? quotient - 1 : quotient;
        }

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
