using System;
using System.Globalization;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>
    /// The shape rules of the transposed convolution, in one place: the diagnostics, the generated comments, the
    /// planner's work count and both emitted forms use them.
    /// Input position <c>i</c> reaches output position <c>o = i*stride - pad + tap*dilation</c> through kernel tap <c>tap</c>.
    /// </summary>
    internal static class ConvTransposeShape
    {
        /// <summary><c>(in - 1)*stride - 2*pad + dilation*(k - 1) + outputPadding + 1</c>, in 64 bits so that it cannot overflow.</summary>
        public static long OutputSize(int input, int kernel, int stride, int pad, int outputPadding, int dilation) =>
            ((long)input - 1) * stride - 2L * pad + (long)dilation * (kernel - 1) + outputPadding + 1;

        /// <summary>The output-size arithmetic of one axis, such as <c>H: (2 - 1)*2 - 2*0 + 3 = 5</c>.</summary>
        public static string Arithmetic(string axis, int input, int kernel, int stride, int pad, int outputPadding, int dilation)
        {
            string window = dilation == 1 ? Number(kernel) : $"{Number(dilation)}*({Number(kernel)} - 1) + 1";
            string extra = outputPadding == 0 ? string.Empty : " + " + Number(outputPadding);
            long size = OutputSize(input, kernel, stride, pad, outputPadding, dilation);
            return $"{axis}: ({Number(input)} - 1)*{Number(stride)} - 2*{Number(pad)} + {window}{extra} = {size.ToString(CultureInfo.InvariantCulture)}";
        }

        /// <summary>
        /// The input positions <c>[Lo, Hi)</c> on one axis whose tap <paramref name="tap"/> lands inside the output; empty
        /// when the tap never does. Every position outside it would write into the padding.
        /// </summary>
        public static (int Lo, int Hi) InputRange(int inputSize, int outputSize, int tap, int stride, int pad, int dilation) =>
            StridedTaps.Range(inputSize, outputSize, tap, stride, pad, dilation);

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
