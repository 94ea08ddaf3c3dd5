using System;
using System.Linq;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>
    /// The stride-phase decomposition of one axis of a transposed convolution. Output position <c>o</c> is reached
    /// from input <c>i</c> through tap <c>t</c> when <c>o + pad = i*stride + t*dilation</c>, so the taps that reach
    /// <c>o</c> depend only on its phase <c>r = (o + pad) mod stride</c>: those with <c>t*dilation = r (mod stride)</c>.
    /// With <c>g = gcd(dilation, stride)</c> a phase has taps only when g divides r, and then they are
    /// <c>t = FirstTap(r) + (stride/g)*m</c>, reading input <c>i = q - Back(r) - (dilation/g)*m</c> where
    /// <c>q = (o + pad - r) / stride</c>. Each phase is a dense correlation with about <c>k*g/stride</c> taps: no
    /// multiply ever meets an inserted zero. With dilation 1 the taps are <c>r + stride*m</c>, reading <c>q - m</c>.
    /// </summary>
    internal sealed class ConvTransposePhases
    {
        public ConvTransposePhases(int input, int output, int kernel, int stride, int pad, int dilation)
        {
            Input = input;
            Output = output;
            Kernel = kernel;
            Stride = stride;
            Pad = pad;
            Dilation = dilation;
            _common = GreatestCommonDivisor(dilation, stride);
            TapStep = stride / _common;
            InputStep = dilation / _common;
            _inverse = Inverse(InputStep % TapStep, TapStep);

            // Each first tap t < stride/g belongs to exactly one phase, (t*dilation) mod stride, and reads back
            // floor(t*dilation / stride) from q; so a loop over the first taps (not over the stride) finds the extremes.
            MaxTaps = (kernel + TapStep - 1) / TapStep;
            PadBefore = Enumerable.Range(0, Math.Min(kernel, TapStep))
                .Select(t => (int)((long)t * dilation / stride) + (InputStep * (((kernel - t) + TapStep - 1) / TapStep - 1)))
                .DefaultIfEmpty(0).Max();
        }

        private readonly int _common;

        /// <summary>The inverse of dilation/g modulo stride/g, which turns a phase into its first tap.</summary>
        private readonly long _inverse;

        public int Input { get; }

        public int Output { get; }

        public int Kernel { get; }

        public int Stride { get; }

        public int Pad { get; }

        public int Dilation { get; }

        /// <summary>The step between a phase's consecutive taps: <c>stride / gcd(dilation, stride)</c>.</summary>
        public int TapStep { get; }

        /// <summary>The step back in the input between a phase's consecutive taps: <c>dilation / gcd(dilation, stride)</c>.</summary>
        public int InputStep { get; }

        /// <summary>The most taps any phase has.</summary>
        public int MaxTaps { get; }

        /// <summary>The zero padding before the input: the furthest any tap of any phase reads back from <c>q</c>.</summary>
        public int PadBefore { get; }

        /// <summary>The first tap of phase <paramref name="r"/>: the least <c>t</c> with <c>t*dilation = r (mod stride)</c>, or -1 when none has.</summary>
        public int FirstTap(int r) => r % _common != 0 ? -1 : (int)(r / _common * _inverse % TapStep);

        /// <summary>How far back from <c>q</c> the first tap of phase <paramref name="r"/> reads: <c>(FirstTap*dilation - r) / stride</c>.</summary>
        public int Back(int r) => FirstTap(r) < 0 ? 0 : (int)(((long)FirstTap(r) * Dilation - r) / Stride);

        /// <summary>How many taps phase <paramref name="r"/> has: those <c>FirstTap + TapStep*m &lt; k</c>.</summary>
        public int Taps(int r)
        {
            int first = FirstTap(r);
            return first < 0 || first >= Kernel ? 0 : ((Kernel - first) + TapStep - 1) / TapStep;
        }

        /// <summary>The first <c>q</c> of phase <paramref name="r"/> inside the output: <c>ceil((pad - r) / stride)</c>, never negative.</summary>
        public int FirstQ(int r) => (int)Math.Max(0, CeilDiv(Pad - r, Stride));

        /// <summary>How many output positions phase <paramref name="r"/> has.</summary>
        public int Count(int r) => (int)Math.Max(0, FloorDiv(Output - 1 + Pad - r, Stride) - FirstQ(r) + 1);

        /// <summary>The output position of the phase's <paramref name="index"/>-th element.</summary>
        public int OutputPosition(int r, int index) => ((index + FirstQ(r)) * Stride) + r - Pad;

        private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

        private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

        /// <summary>The x in [0, m) with a*x = 1 (mod m), for a and m without a common divisor (extended Euclid); 0 when m is 1.</summary>
        private static long Inverse(long a, long m)
        {
            long oldR = a, r = m, oldX = 1, x = 0;
            while (r != 0)
            {
                long quotient = oldR / r;
                (oldR, r) = (r, oldR - (quotient * r));
                (oldX, x) = (x, oldX - (quotient * x));
            }

            return m == 1 ? 0 : ((oldX % m) + m) % m;
        }

        private static int GreatestCommonDivisor(int a, int b)
        {
            while (b != 0)
            {
                (a, b) = (b, a % b);
            }

            return a;
        }
    }
}
