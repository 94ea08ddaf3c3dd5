using System.Collections.Generic;
using System.Linq;
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

        /// <summary>Up to this many distinct input, weight and bias elements are read into locals first.</summary>
        private const int MaxLocals = 96;

        private const int LocalsPerLine = 8;

        /// <param name="activation">Applied to each output's sum in the same statement, after the residual when the kernel has one.</param>
        public static void Write(IndentedWriter writer, IEnumerable<UnrolledOutput> outputs, KernelSignature signature, ActivationSpec activation)
        {
            ElementType type = signature.ElementType;
            List<UnrolledOutput> all = outputs.ToList();
            var inputs = all.SelectMany(o => o.Terms).Select(t => t.InputIndex).Distinct().OrderBy(i => i).ToList();
            var weights = all.SelectMany(o => o.Terms).Where(t => t.WeightIndex >= 0).Select(t => t.WeightIndex).Distinct().OrderBy(i => i).ToList();
            var biases = all.Where(o => o.BiasIndex >= 0).Select(o => o.BiasIndex).Distinct().OrderBy(i => i).ToList();
            bool locals = inputs.Count + weights.Count + biases.Count <= MaxLocals;
            var names = new Names(locals);
            if (locals)
            {
                // The JIT cannot know that the output, checked not to overlap, never aliases the other spans: reading
                // straight from them would reload an element after every store.
                writer.WriteLine("// Every element read is loaded once, before the first store (the output overlaps no other buffer).");
                WriteLocals(writer, signature.ElementKeyword, inputs, "input", names.Input);
                WriteLocals(writer, signature.ElementKeyword, weights, "weight", names.Weight);
                WriteLocals(writer, signature.ElementKeyword, biases, "bias", names.Bias);
            }

            foreach (UnrolledOutput output in all)
            {
                if (output.Comment is not null)
                {
                    writer.WriteLine("// " + output.Comment);
                }

                var parts = new List<string>();
                if (output.BiasIndex >= 0)
                {
                    parts.Add(names.Bias(output.BiasIndex));
                }

                foreach (Term term in output.Terms)
                {
                    parts.Add(Product(term, type, names, isFirst: parts.Count == 0));
                }

                string target = $"output[{output.OutputIndex}] = ";
                if (signature.ResidualParameter is not null)
                {
                    // The residual after the whole sum, as PyTorch adds it to the layer's finished output (0 + -0 is +0 there too).
                    if (parts.Count == 0)
                    {
                        parts.Add(Literals.Real(0, type));
                    }

                    parts.Add($"+ residual[{output.OutputIndex}]");
                }

                if (parts.Count == 0)
                {
                    writer.WriteLine(target + ActivationWriter.Apply(activation, Literals.Real(0, type)) + ";");
                    continue;
                }

                if (parts.Count <= TermsPerLine)
                {
                    writer.WriteLine(target + ActivationWriter.Apply(activation, string.Join(" ", parts)) + ";");
                    continue;
                }

                // A long sum over several lines: the activation's call opens on the first and closes on the last.
                string open = ActivationWriter.Open(activation), close = ActivationWriter.Close(activation);

                for (int start = 0; start < parts.Count; start += TermsPerLine)
                {
                    int count = System.Math.Min(TermsPerLine, parts.Count - start);
                    string line = string.Join(" ", parts.GetRange(start, count));
                    bool last = start + count == parts.Count;
                    writer.WriteLine((start == 0 ? target + open : "    ") + line + (last ? close + ";" : string.Empty));
                }
            }
        }

        private static void WriteLocals(IndentedWriter writer, string element, List<int> indices, string span, System.Func<int, string> name)
        {
            for (int start = 0; start < indices.Count; start += LocalsPerLine)
            {
                var declared = indices.Skip(start).Take(LocalsPerLine).Select(i => $"{name(i)} = {span}[{i}]");
                writer.WriteLine($"{element} {string.Join(", ", declared)};");
            }
        }

        /// <summary>A term with its leading operator: <c>+ x1 * w3</c>, <c>- 0.25f * x2</c> (or <c>input[1]</c>, <c>weight[3]</c> without locals).</summary>
        private static string Product(Term term, ElementType type, Names names, bool isFirst)
        {
            string value;
            bool negative = false;
            if (term.WeightIndex >= 0)
            {
                value = $"{names.Input(term.InputIndex)} * {names.Weight(term.WeightIndex)}";
            }
            else if (term.Coefficient == 1)
            {
                value = names.Input(term.InputIndex);
            }
            else
            {
                negative = term.Coefficient < 0;
                value = $"{Literals.Real(negative ? -term.Coefficient : term.Coefficient, type)} * {names.Input(term.InputIndex)}";
            }

            if (isFirst)
            {
                return negative ? "-" + value : value;
            }

            return (negative ? "- " : "+ ") + value;
        }

        /// <summary>How the body names an element: a local (<c>x3</c>, <c>w5</c>, <c>b0</c>) or the span itself.</summary>
        private sealed class Names
        {
            private readonly bool _locals;

            public Names(bool locals) => _locals = locals;

            public string Input(int index) => _locals ? $"x{index}" : $"input[{index}]";

            public string Weight(int index) => _locals ? $"w{index}" : $"weight[{index}]";

            public string Bias(int index) => _locals ? $"b{index}" : $"bias[{index}]";
        }
    }
}
