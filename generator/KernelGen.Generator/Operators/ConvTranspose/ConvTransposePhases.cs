using System;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>
    /// The stride-phase decomposition of one axis of a transposed convolution with dilation 1. Output position
    /// <c>o</c> is reached from input <c>i</c> through tap <c>t</c> when <c>o + pad = i*stride + t</c>, so the taps that
    /// reach <c>o</c> depend only on its phase <c>r = (o + pad) mod stride</c>: <c>t = r + stride*m</c>, from input
    /// <c>i = q - m</c> where <c>q = (o + pad - r) / stride</c>. Each phase is a dense stride-1 correlation with
    /// about k/stride taps: no multiply ever meets an inserted zero.
    /// </summary>
    internal sealed class ConvTransposePhases
    {
        public ConvTransposePhases(int input, int output, int kernel, int stride, int pad)
        {
            Input = input;
            Output = output;
            Kernel = kernel;
            Stride = stride;
            Pad = pad;
            MaxTaps = (kernel + stride - 1) / stride;
        }

        public int Input { get; }

        public int Output { get; }

        public int Kernel { get; }

        public int Stride { get; }

        public int Pad { get; }

        /// <summary>The most taps any phase has, <c>ceil(k / stride)</c>; also the zero padding before the input.</summary>
        public int MaxTaps { get; }

        public int PadBefore => MaxTaps - 1;

        /// <summary>How many taps phase <paramref name="r"/> has: those <c>t = r + stride*m &lt; k</c>.</summary>
        public int Taps(int r) => r >= Kernel ? 0 : ((Kernel - r) + Stride - 1) / Stride;

        /// <summary>The first <c>q</c> of phase <paramref name="r"/> inside the output: <c>ceil((pad - r) / stride)</c>, never negative.</summary>
        public int FirstQ(int r) => (int)Math.Max(0, CeilDiv(Pad - r, Stride));

        /// <summary>How many output positions phase <paramref name="r"/> has.</summary>
        public int Count(int r) => (int)Math.Max(0, FloorDiv(Output - 1 + Pad - r, Stride) - FirstQ(r) + 1);

        /// <summary>The output position of the phase's <paramref name="index"/>-th element.</summary>
        public int OutputPosition(int r, int index) => ((index + FirstQ(r)) * Stride) + r - Pad;

        /// <summary>Where input <c>q - m</c> of the phase's element <paramref name="index"/> lies in the zero-padded input.</summary>
        public int PaddedIndex(int r, int index, int m) => index + FirstQ(r) - m + PadBefore;

        private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

        private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);
    }
}
