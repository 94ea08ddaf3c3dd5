using System.Collections.Generic;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// Writes the fully unrolled form: one assignment per output element with constant indices, so the kernel has
    /// no loop, no index arithmetic, and writes each output element exactly once.
    /// </summary>
    internal static class UnrolledBodyWriter
    {
        private const int TermsPerLine = 4;

        public static void Write(IndentedWriter writer, IEnumerable<UnrolledOutput> outputs, ElementType type)
        {
            foreach (UnrolledOutput output in outputs)
            {
                if (output.Comment is not null)
                {
                    writer.WriteLine("// " + output.Comment);
                }

                var parts = new List<string>();
                if (output.BiasIndex >= 0)
                {
                    parts.Add($"bias[{output.BiasIndex}]");
                }

                foreach (Term term in output.Terms)
                {
                    parts.Add(Product(term, type, isFirst: parts.Count == 0));
                }

                string target = $"output[{output.OutputIndex}] = ";
                if (parts.Count == 0)
                {
                    writer.WriteLine(target + Literals.Real(0, type) + ";");
                    continue;
                }

                if (parts.Count <= TermsPerLine)
                {
                    writer.WriteLine(target + string.Join(" ", parts) + ";");
                    continue;
                }

                for (int start = 0; start < parts.Count; start += TermsPerLine)
                {
                    int count = System.Math.Min(TermsPerLine, parts.Count - start);
                    string line = string.Join(" ", parts.GetRange(start, count));
                    bool last = start + count == parts.Count;
                    writer.WriteLine((start == 0 ? target : "    ") + line + (last ? ";" : string.Empty));
                }
            }
        }

        /// <summary>A term with its leading operator: <c>+ input[1] * weight[3]</c>, <c>- 0.25f * input[2]</c>.</summary>
        private static string Product(Term term, ElementType type, bool isFirst)
        {
            string value;
            bool negative = false;
            if (term.WeightIndex >= 0)
            {
                value = $"input[{term.InputIndex}] * weight[{term.WeightIndex}]";
            }
            else if (term.Coefficient == 1)
            {
                value = $"input[{term.InputIndex}]";
            }
            else
            {
                negative = term.Coefficient < 0;
                value = $"{Literals.Real(negative ? -term.Coefficient : term.Coefficient, type)} * input[{term.InputIndex}]";
            }

            if (isFirst)
            {
                return negative ? "-" + value : value;
            }

            return (negative ? "- " : "+ ") + value;
        }
    }
}
