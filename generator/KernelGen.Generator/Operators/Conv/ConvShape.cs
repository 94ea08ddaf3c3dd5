using System.Globalization;

namespace KernelGen.Generator.Operators.Conv
{
    /// <summary>
    /// The shape rules of the convolution, in one place: the diagnostics, the generated comments, the planner's work
    /// count and every emitted form use them. Output position <c>o</c> reads input position <c>o*stride - pad + tap*dilation</c>
    /// through kernel tap <c>tap</c>; a position outside the input is the zero padding.
    /// </summary>
    internal static class ConvShape
    {
        /// <summary><c>floor((in + 2*pad - dilation*(k - 1) - 1) / stride) + 1</c>, in 64 bits; zero or less when the window does not fit.</summary>
        public static long OutputSize(int input, int kernel, int stride, int pad, int dilation) => OutputSize(input, kernel, stride, pad, pad, dilation);

        /// <summary>The same with a pad of <paramref name="padBegin"/> before the input and <paramref name="padEnd"/> after it.</summary>
        public static long OutputSize(int input, int kernel, int stride, int padBegin, int padEnd, int dilation)
        {
            long span = (long)input + padBegin + padEnd - Window(kernel, dilation);
            return span < 0 ? span : (span / stride) + 1;
        }

        /// <summary>The extent of the dilated window: <c>dilation*(k - 1) + 1</c>.</summary>
        public static long Window(int kernel, int dilation) => ((long)dilation * (kernel - 1)) + 1;

        /// <summary>The output-size arithmetic of one axis, such as <c>H: (28 + 2*1 - 3)/2 + 1 = 14, rounded down</c>.</summary>
        public static string Arithmetic(string axis, int input, int kernel, int stride, int pad, int dilation) =>
            Arithmetic(axis, input, kernel, stride, pad, pad, dilation);

        /// <summary>The same with the pads before and after the input, written as <c>2*pad</c> where they are equal.</summary>
        public static string Arithmetic(string axis, int input, int kernel, int stride, int padBegin, int padEnd, int dilation)
        {
            string window = dilation == 1 ? Number(kernel) : $"({Number(dilation)}*({Number(kernel)} - 1) + 1)";
            string padded = padBegin == padEnd ? $"{Number(input)} + 2*{Number(padBegin)}" : $"{Number(input)} + {Number(padBegin)} + {Number(padEnd)}";
            long span = (long)input + padBegin + padEnd - Window(kernel, dilation);
            long size = OutputSize(input, kernel, stride, padBegin, padEnd, dilation);
            string text = $"{axis}: ({padded} - {window})/{Number(stride)} + 1 = {size.ToString(CultureInfo.InvariantCulture)}";
            return span < 0 ? $"{axis}: {padded} is smaller than the window {window}"
                : span % stride != 0 ? text + " (the division rounds down)" : text;
        }

        /// <summary>
        /// The output positions <c>[Lo, Hi)</c> on one axis whose tap <paramref name="tap"/> reads inside the input;
        /// every other output position reads the padding there.
        /// </summary>
        public static (int Lo, int Hi) OutputRange(int inputSize, int outputSize, int tap, int stride, int pad, int dilation) =>
            StridedTaps.Range(outputSize, inputSize, tap, stride, pad, dilation);

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
