using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// The run-time check that guards a vector path which multiplies zero padding by the weights: with an infinite or
    /// NaN weight, <c>0 * w</c> is NaN where the scalar loops add nothing, so such weights take the scalar loops.
    /// <para>
    /// The vector sums are the scalar loops' terms plus <c>w * 0</c> for the padding they read, so they differ only
    /// where such a term is NaN, and a NaN stays NaN through every later sum and activation. So either check works: that
    /// every weight is finite, before the vector path; or that its output has no NaN, after it, the loops computing the
    /// output again when it has (a NaN input also sends a sample there, which gives the same numbers). Each kernel
    /// checks whichever is smaller per sample: the deep layers' weights (8 MB for a DCGAN generator's first layer, read
    /// on every call) are far larger than their outputs.
    /// </para>
    /// </summary>
    internal static class FiniteWeights
    {
        /// <summary>The check's name for one kernel and width, as the dispatch calls it.</summary>
        public static string MethodName(string method, VectorWidth width) => $"{method}_WeightsAreFinite_{width.Name}";

        /// <summary>The output check's name for one kernel and width.</summary>
        public static string OutputMethodName(string method, VectorWidth width) => $"{method}_OutputHasNoNaN_{width.Name}";

        /// <summary>True when the kernel checks its output after the vector path instead of its weights before it.</summary>
        public static bool ChecksOutput(long weightElements, long outputElementsPerSample) => outputElementsPerSample < weightElements;

        /// <summary>The dispatch's condition before a width's vector path: the weight check, or nothing when the output is checked.</summary>
        public static System.Func<VectorWidth, string?> Before(KernelSignature signature, bool checksOutput) =>
            width => checksOutput ? null : MethodName(signature.MethodName, width) + "(weight)";

        /// <summary>The dispatch's check after a width's vector path, or none when the weights were checked.</summary>
        public static System.Func<VectorWidth, string?>? After(KernelSignature signature, bool checksOutput) =>
            checksOutput ? width => OutputMethodName(signature.MethodName, width) + "(output)" : null;

        /// <summary>The check the kernel uses, for one width.</summary>
        public static void WriteCheck(IndentedWriter writer, KernelSignature signature, VectorWidth v, bool checksOutput)
        {
            if (checksOutput)
            {
                WriteOutputCheck(writer, signature, v);
            }
            else
            {
                WriteCheck(writer, signature, v);
            }
        }

        /// <summary><c>x == x</c> fails only for NaN: per two vectors of output, two comparisons.</summary>
        private static void WriteOutputCheck(IndentedWriter writer, KernelSignature signature, VectorWidth v)
        {
            string element = signature.ElementKeyword;
            int lanes = v.Lanes(signature.ElementType);
            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            writer.WriteLine("/// <summary>True when no output value is NaN.</summary>");
            Code.WriteOptimizedAttribute(writer, guarded: false);
            using (writer.Block($"internal static bool {OutputMethodName(signature.MethodName, v)}(global::System.ReadOnlySpan<{element}> output)", after: "#endif"))
            {
                writer.WriteLine(Code.StartRef(element, "output"));
                writer.WriteLine("int i = 0;");
                using (writer.Block($"for (; i <= output.Length - {2 * lanes}; i += {2 * lanes})"))
                {
                    writer.WriteLine($"var a = {v.Load("outputStart", "i")};");
                    writer.WriteLine($"var b = {v.Load("outputStart", $"i + {lanes}")};");
                    using (writer.Block($"if (!{v.Type}.EqualsAll(a, a) || !{v.Type}.EqualsAll(b, b))"))
                    {
                        writer.WriteLine("return false;");
                    }
                }

                using (writer.Block("for (; i < output.Length; i++)"))
                {
                    using (writer.Block("if (output[i] != output[i])"))
                    {
                        writer.WriteLine("return false;");
                    }
                }

                writer.WriteLine("return true;");
            }
        }

        /// <summary>
        /// <c>x - x</c> is 0 for a finite x and NaN otherwise, so the sum of the differences is 0 exactly when every
        /// weight is finite: per two vectors of weights, two subtractions and two additions into separate sums.
        /// </summary>
        private static void WriteCheck(IndentedWriter writer, KernelSignature signature, VectorWidth v)
        {
            string element = signature.ElementKeyword, vector = $"{v.Type}<{element}>";
            int lanes = v.Lanes(signature.ElementType);
            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            writer.WriteLine("/// <summary>True when no weight is infinite or NaN.</summary>");
            Code.WriteOptimizedAttribute(writer, guarded: false);
            using (writer.Block($"internal static bool {MethodName(signature.MethodName, v)}(global::System.ReadOnlySpan<{element}> weight)", after: "#endif"))
            {
                writer.WriteLine(Code.StartRef(element, "weight"));
                writer.WriteLine($"{vector} first = {vector}.Zero, second = {vector}.Zero;");
                writer.WriteLine("int i = 0;");
                using (writer.Block($"for (; i <= weight.Length - {2 * lanes}; i += {2 * lanes})"))
                {
                    writer.WriteLine($"var a = {v.Load("weightStart", "i")};");
                    writer.WriteLine($"var b = {v.Load("weightStart", $"i + {lanes}")};");
                    writer.WriteLine("first += a - a;");
                    writer.WriteLine("second += b - b;");
                }

                writer.WriteLine($"{element} rest = 0;");
                using (writer.Block("for (; i < weight.Length; i++)"))
                {
                    writer.WriteLine("rest += weight[i] - weight[i];");
                }

                writer.WriteLine($"return {v.Type}.EqualsAll(first + second, {vector}.Zero) && rest == 0;");
            }
        }
    }
}
