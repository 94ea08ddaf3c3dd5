using System.Globalization;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Upsample
{
    /// <summary>
    /// The source indices and weights of an axis longer than <see cref="UpsampleShape.MaxWrittenPositions"/>, computed
    /// once at run time (a nested class's static constructor) instead of written out: a table of a million positions
    /// was 73 MB of source and 6 GB of generator memory. The emitted loop is <see cref="UpsampleShape.Sample"/> step by
    /// step, in the same precision at every step (a float product stays a float product), with the constants the
    /// generator computed written as exact literals; the tests compare the two tables entry by entry.
    /// </summary>
    internal static class UpsampleTableWriter
    {
        /// <summary>The nested class that holds the axis's tables.</summary>
        public static string ClassName(string method, int axis) => $"{method}_Axis{axis.ToString(CultureInfo.InvariantCulture)}";

        public static void Write(IndentedWriter writer, string method, int axis, string axisName, UpsampleSpec spec, int input, int output, ElementType type, int spatialRank)
        {
            int taps = UpsampleShape.TapsPerAxis(spec.Mode);
            string t = type == ElementType.Float ? "float" : "double", math = "global::System.Math";
            string R(string value) => type == ElementType.Float ? $"(double)(float)({value})" : $"({value})";
            string last = Literals.Int(input - 1);
            writer.WriteLine();
            writer.WriteLine($"/// <summary>Axis {axisName}: the {Literals.Int(taps)} source index(es) and weight(s) of each of its {Literals.Int(output)} output positions,");
            writer.WriteLine("/// computed at the first call by PyTorch's arithmetic, in its precision (too many to write out).</summary>");
            writer.WriteLine(KernelSourceWriter.GeneratedCode);
            using (writer.Block($"private static class {ClassName(method, axis)}"))
            {
                // At most UpsampleShape.MaxTableEntries entries: a longer axis is KG0011.
                writer.WriteLine($"public static readonly int[] Index = new int[{Literals.Int((long)output * taps)}];");
                writer.WriteLine($"public static readonly {t}[] Weight = new {t}[{Literals.Int((long)output * taps)}];");
                writer.WriteLine();
                using (writer.Block($"static {ClassName(method, axis)}()"))
                {
                    using (writer.Block($"for (int o = 0; o < {Literals.Int(output)}; o++)"))
                    {
                        switch (spec.Mode)
                        {
                            case UpsampleMode.Nearest when spatialRank > 1 && output == input:
                                writer.WriteLine("Index[o] = o;");
                                writer.WriteLine("Weight[o] = 1;");
                                break;
                            case UpsampleMode.Nearest when spatialRank > 1 && output == 2L * input:
                                writer.WriteLine("Index[o] = o >> 1;");
                                writer.WriteLine("Weight[o] = 1;");
                                break;
                            case UpsampleMode.Nearest:
                                writer.WriteLine($"// min(floor(o * (float)(1/scale)), in - 1), the product in float");
                                writer.WriteLine($"Index[o] = (int){math}.Min((long){math}.Floor((float)(o * {Literals.Real(UpsampleShape.NearestScale(input, output, spec.Scales[axis]), ElementType.Float)})), {last});");
                                writer.WriteLine("Weight[o] = 1;");
                                break;
                            case UpsampleMode.NearestExact:
                                writer.WriteLine($"// min(floor((o + 0.5) * (float)(1/scale)), in - 1), the product in double rounded to float");
                                writer.WriteLine($"Index[o] = (int){math}.Min((long){math}.Floor((float)((o + 0.5) * {Literals.Real(UpsampleShape.NearestScale(input, output, spec.Scales[axis]), ElementType.Float)})), {last});");
                                writer.WriteLine("Weight[o] = 1;");
                                break;
                            case UpsampleMode.Linear when output == input:
                                writer.WriteLine("// PyTorch copies an axis that keeps its size, whatever the scale said.");
                                writer.WriteLine("Index[2 * o] = Index[2 * o + 1] = o;");
                                writer.WriteLine("Weight[2 * o] = 1;");
                                writer.WriteLine("Weight[2 * o + 1] = 0;");
                                break;
                            default:
                                bool cubic = spec.Mode == UpsampleMode.Cubic;
                                WriteSource(writer, spec, input, output, axis, type, cubic);
                                if (!cubic)
                                {
                                    writer.WriteLine("int i0 = (int)source;");
                                    writer.WriteLine($"double lambda1 = {R($"{math}.Min({math}.Max({R("source - i0")}, 0), 1)")};");
                                    writer.WriteLine($"Index[2 * o] = i0;");
                                    writer.WriteLine($"Index[2 * o + 1] = i0 + (i0 < {last} ? 1 : 0);");
                                    writer.WriteLine($"Weight[2 * o] = ({t}){R("1 - lambda1")};");
                                    writer.WriteLine($"Weight[2 * o + 1] = ({t})lambda1;");
                                }
                                else
                                {
                                    writer.WriteLine($"int i = (int){math}.Min((long){math}.Floor(source), {last});");
                                    writer.WriteLine($"double t = {R($"{math}.Min({math}.Max({R("source - i")}, 0), 1)")};");
                                    writer.WriteLine($"double s = {R("1 - t")};");
                                    writer.WriteLine($"Weight[4 * o] = ({t})Far({R("t + 1")});");
                                    writer.WriteLine($"Weight[4 * o + 1] = ({t})Near(t);");
                                    writer.WriteLine($"Weight[4 * o + 2] = ({t})Near(s);");
                                    writer.WriteLine($"Weight[4 * o + 3] = ({t})Far({R("s + 1")});");
                                    using (writer.Block("for (int k = 0; k < 4; k++)"))
                                    {
                                        writer.WriteLine($"Index[4 * o + k] = {math}.Max({math}.Min(i - 1 + k, {last}), 0);");
                                    }
                                }

                                break;
                        }
                    }
                }

                if (spec.Mode == UpsampleMode.Cubic)
                {
                    // The cubic convolution kernel with A = -0.75, each step rounded as UpsampleShape rounds it.
                    writer.WriteLine();
                    writer.WriteLine("// ((A + 2)x - (A + 3))x^2 + 1 for |x| <= 1, A = -0.75");
                    writer.WriteLine($"private static double Near(double x) => {R($"{R($"{R($"{R($"{R("1.25 * x")} - 2.25")} * x")} * x")} + 1")};");
                    writer.WriteLine("// ((Ax - 5A)x + 8A)x - 4A for 1 < |x| < 2");
                    writer.WriteLine($"private static double Far(double x) => {R($"{R($"{R($"{R($"{R($"{R("-0.75 * x")} + 3.75")} * x")} - 6")} * x")} + 3")};");
                }
            }
        }

        /// <summary>PyTorch's area_pixel_compute_source_index, with the scale the generator rounded to the element type.</summary>
        private static void WriteSource(IndentedWriter writer, UpsampleSpec spec, int input, int output, int axis, ElementType type, bool cubic)
        {
            (bool scaled, double factor) = UpsampleShape.SourceFactor(input, output, spec.Scales[axis], spec.AlignCorners, type);
            string literal = Literals.Real(factor, ElementType.Double);
            if (!scaled)
            {
                writer.WriteLine($"double source = {literal} * o;");
                return;
            }

            writer.WriteLine($"double source = ({literal} * (o + 0.5)) - 0.5;");
            if (!cubic)
            {
                writer.WriteLine("if (source < 0) source = 0;");
            }
        }
    }
}
