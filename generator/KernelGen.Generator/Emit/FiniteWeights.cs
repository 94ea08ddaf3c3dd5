using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// The run-time check that guards a vector path which multiplies zero padding by the weights: with an infinite or
    /// NaN weight, <c>0 * w</c> is NaN where the scalar loops add nothing, so such weights take the scalar loops.
    /// </summary>
    internal static class FiniteWeights
    {
        /// <summary>The check's name for one kernel and width, as the dispatch calls it.</summary>
        public static string MethodName(string method, VectorWidth width) => $"{method}_WeightsAreFinite_{width.Name}";

        /// <summary>
        /// <c>x - x</c> is 0 for a finite x and NaN otherwise, so the sum of the differences is 0 exactly when every
        /// weight is finite: per two vectors of weights, two subtractions and two additions into separate sums.
        /// </summary>
        public static void WriteCheck(IndentedWriter writer, KernelSignature signature, VectorWidth v)
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
