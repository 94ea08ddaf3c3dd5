using System;
using System.Globalization;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Upsample
{
    /// <summary>
    /// The shape and sampling rules of PyTorch's <c>F.interpolate(x, scale_factor=s)</c> (recompute_scale_factor unset),
    /// in one place: the diagnostics, the comments and both emitted forms use them. The arithmetic follows PyTorch's
    /// CPU kernels step by step, including where they compute in single precision, so that nearest picks the same
    /// source index and the interpolation weights are the same numbers.
    /// </summary>
    internal static class UpsampleShape
    {
        private const double CubicA = -0.75;

        /// <summary>
        /// The longest axis (in output positions) whose tables the generator writes out and analyses for the vector
        /// forms; a longer one has its tables computed at run time (<see cref="UpsampleTableWriter"/>) and takes the
        /// scalar loops, so that the generator's time and memory do not grow with the layer.
        /// </summary>
        public const int MaxWrittenPositions = 65_536;

        /// <summary>The most entries one source table may have: .NET's largest array (Array.MaxLength).</summary>
        public const long MaxTableEntries = 0x7FFFFFC7;

        /// <summary>True when the axis's tables are computed at run time rather than written out.</summary>
        public static bool IsComputedAtRunTime(int outputPositions) => outputPositions > MaxWrittenPositions;

        /// <summary><c>floor(in * scale)</c>, as PyTorch sizes the output.</summary>
        public static long OutputSize(int input, double scale) => (long)Math.Floor(input * scale);

        /// <summary><c>H: floor(2 * 2) = 4</c>.</summary>
        public static string Arithmetic(string axis, int input, double scale) =>
            $"{axis}: floor({input.ToString(CultureInfo.InvariantCulture)} * {scale.ToString("R", CultureInfo.InvariantCulture)}) = {OutputSize(input, scale).ToString(CultureInfo.InvariantCulture)}";

        /// <summary>How many source elements each output element reads on one axis.</summary>
        public static int TapsPerAxis(UpsampleMode mode) => mode switch
        {
            UpsampleMode.Linear => 2,
            UpsampleMode.Cubic => 4,
            _ => 1,
        };

        /// <summary>
        /// For each output position on one axis, the source indices and weights (<see cref="TapsPerAxis"/> of each),
        /// rounded to the element type as PyTorch holds them.
        /// </summary>
        /// <param name="spatialRank">PyTorch's 1-D nearest kernel has no shortcuts for a kept or doubled size; its 2-D and 3-D kernels do.</param>
        public static (int[] Index, double[] Weight) Sample(UpsampleMode mode, bool alignCorners, int input, int output, double scale, ElementType type, int spatialRank)
        {
            int taps = TapsPerAxis(mode);
            var index = new int[output * taps];
            var weight = new double[output * taps];
            for (int o = 0; o < output; o++)
            {
                switch (mode)
                {
                    case UpsampleMode.Nearest:
                        index[o] = NearestIndex(o, input, output, scale, shortcuts: spatialRank > 1);
                        weight[o] = 1;
                        break;
                    case UpsampleMode.NearestExact:
                        index[o] = NearestExactIndex(o, input, output, scale);
                        weight[o] = 1;
                        break;
                    case UpsampleMode.Linear:
                        SampleLinear(o, input, output, scale, alignCorners, type, index, weight);
                        break;
                    default:
                        SampleCubic(o, input, output, scale, alignCorners, type, index, weight);
                        break;
                }
            }

            return (index, weight);
        }

        /// <summary>
        /// PyTorch's <c>nearest</c>: <c>min(floor(o * (float)(1/scale)), in - 1)</c>; in 2-D and 3-D (<paramref name="shortcuts"/>)
        /// with its exact shortcuts for a kept and a doubled size, which its 1-D kernel does not take (1.25 on 3 gives [x0, x0, x1]).
        /// </summary>
        public static int NearestIndex(int o, int input, int output, double scale, bool shortcuts)
        {
            if (shortcuts && output == input)
            {
                return o;
            }

            if (shortcuts && output == 2L * input)
            {
                return o >> 1;
            }

            float inverse = NearestScale(input, output, scale);
            return (int)Math.Min((long)Math.Floor((float)(o * inverse)), input - 1);
        }

        /// <summary>PyTorch's <c>nearest-exact</c>: <c>min(floor((o + 0.5) * (float)(1/scale)), in - 1)</c>.</summary>
        public static int NearestExactIndex(int o, int input, int output, double scale)
        {
            float inverse = NearestScale(input, output, scale);
            return (int)Math.Min((long)Math.Floor((float)((o + 0.5) * inverse)), input - 1);
        }

        public static float NearestScale(int input, int output, double scale) => scale > 0 ? (float)(1.0 / scale) : (float)input / output;

        private static void SampleLinear(int o, int input, int output, double scale, bool alignCorners, ElementType type, int[] index, double[] weight)
        {
            if (output == input)
            {
                // PyTorch copies an axis that keeps its size, whatever the scale said.
                index[2 * o] = index[(2 * o) + 1] = o;
                weight[2 * o] = 1;
                weight[(2 * o) + 1] = 0;
                return;
            }

            double source = SourceIndex(o, input, output, scale, alignCorners, cubic: false, type);
            int i0 = (int)source;
            int step = i0 < input - 1 ? 1 : 0;
            double lambda1 = Round(Math.Min(Math.Max(Round(source - i0, type), 0), 1), type);
            double lambda0 = Round(1 - lambda1, type);
            index[2 * o] = i0;
            index[(2 * o) + 1] = i0 + step;
            weight[2 * o] = lambda0;
            weight[(2 * o) + 1] = lambda1;
        }

        private static void SampleCubic(int o, int input, int output, double scale, bool alignCorners, ElementType type, int[] index, double[] weight)
        {
            double source = SourceIndex(o, input, output, scale, alignCorners, cubic: true, type);
            int i = (int)Math.Min((long)Math.Floor(source), input - 1);
            double t = Round(Math.Min(Math.Max(Round(source - i, type), 0), 1), type);
            double[] coefficients =
            {
                CubicFar(Round(t + 1, type), type),
                CubicNear(t, type),
                CubicNear(Round(1 - t, type), type),
                CubicFar(Round(Round(1 - t, type) + 1, type), type),
            };
            for (int k = 0; k < 4; k++)
            {
                index[(4 * o) + k] = Math.Max(Math.Min(i - 1 + k, input - 1), 0);
                weight[(4 * o) + k] = coefficients[k];
            }
        }

        /// <summary>
        /// PyTorch's <c>area_pixel_compute_source_index</c>: the scale held in the element type, the coordinate computed
        /// from it in double (measured against PyTorch 1.13's float kernels: a coordinate rounded to float differs by
        /// 1.5e-4 at a length of 1,000 and 4e-3 at 20,000). The caller rounds the fraction it takes from it.
        /// </summary>
        private static double SourceIndex(int o, int input, int output, double scale, bool alignCorners, bool cubic, ElementType type)
        {
            (bool scaled, double factor) = SourceFactor(input, output, scale, alignCorners, type);
            if (!scaled)
            {
                return factor * o;
            }

            double source = (factor * (o + 0.5)) - 0.5;
            return !cubic && source < 0 ? 0 : source;
        }

        /// <summary>
        /// The factor of <see cref="SourceIndex"/>, held in the element type: with align_corners (not <c>Scaled</c>)
        /// the ratio (in - 1)/(out - 1) that multiplies o; otherwise 1/scale, in <c>factor * (o + 0.5) - 0.5</c>.
        /// </summary>
        public static (bool Scaled, double Factor) SourceFactor(int input, int output, double scale, bool alignCorners, ElementType type) =>
            alignCorners
                ? (false, output > 1 ? Round((double)(input - 1) / (output - 1), type) : 0)
                : (true, scale > 0 ? Round(1.0 / scale, type) : Round((double)input / output, type));

        /// <summary>The cubic convolution kernel for |x| &lt;= 1: <c>((A + 2)x - (A + 3))x² + 1</c>.</summary>
        private static double CubicNear(double x, ElementType type) =>
            Round(Round(Round(Round(Round((CubicA + 2) * x, type) - (CubicA + 3), type) * x, type) * x, type) + 1, type);

        /// <summary>The cubic convolution kernel for 1 &lt; |x| &lt; 2: <c>((Ax - 5A)x + 8A)x - 4A</c>.</summary>
        private static double CubicFar(double x, ElementType type) =>
            Round(Round(Round(Round(Round(Round(CubicA * x, type) - (5 * CubicA), type) * x, type) + (8 * CubicA), type) * x, type) - (4 * CubicA), type);

        private static double Round(double value, ElementType type) => type == ElementType.Float ? (float)value : value;
    }
}
