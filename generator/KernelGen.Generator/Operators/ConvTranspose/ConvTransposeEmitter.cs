using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>The two bodies of a transposed convolution: fully unrolled (gather) and looped (scatter per kernel tap).</summary>
    internal static class ConvTransposeEmitter
    {
        /// <summary>
        /// Each output element gathers, from every input channel of its group, the taps that land on it: tap t of input
        /// position i lands on o when <c>o + pad - t*dilation = i*stride</c> with <c>0 &lt;= i &lt; in</c>.
        /// </summary>
        public static IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, ConvTransposeSpec spec)
        {
            var g = new ConvTransposeGeometry(signature, spec);
            bool hasBias = signature.BiasParameter is not null;
            int[] taps = g.Kernel;
            foreach (int co in Enumerable.Range(0, g.OutputChannels))
            {
                int firstInput = co / g.OutputChannelsPerGroup * g.InputChannelsPerGroup;
                foreach (int[] o in MultiIndex.Enumerate(g.OutputSize))
                {
                    var terms = new List<Term>();
                    for (int ci = firstInput; ci < firstInput + g.InputChannelsPerGroup; ci++)
                    {
                        foreach (int[] t in MultiIndex.Enumerate(taps))
                        {
                            int inputOffset = 0;
                            bool lands = true;
                            for (int axis = 0; axis < g.Rank && lands; axis++)
                            {
                                int numerator = o[axis] + spec.Pad[axis] - (t[axis] * spec.Dilation[axis]);
                                int i = numerator / spec.Stride[axis];
                                lands = numerator >= 0 && numerator % spec.Stride[axis] == 0 && i < g.InputSize[axis];
                                inputOffset += i * g.InputStrides[axis];
                            }

                            if (lands)
                            {
                                terms.Add(Term.Weighted((ci * g.InputPlane) + inputOffset, g.WeightBase(ci, co) + MultiIndex.Offset(t, g.KernelStrides)));
                            }
                        }
                    }

                    bool rowStart = o[g.Rank - 1] == 0;
                    string? comment = rowStart ? $"output[{co}, {string.Join(", ", o.Take(g.Rank - 1).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).Concat(new[] { ":" }))}]" : null;
                    yield return new UnrolledOutput((co * g.OutputPlane) + MultiIndex.Offset(o, g.OutputStrides), hasBias ? co : -1, terms, comment);
                }
            }
        }

        /// <summary>
        /// Scatter form: start from the bias, then each (input channel, output channel) pair adds, tap by tap, the input
        /// plane times one weight into a strided window of the output plane. Each tap's input range is computed here, so
        /// the loops never test a bound and no multiply touches a position that falls into the padding.
        /// </summary>
        public static void WriteLooped(IndentedWriter writer, KernelSignature signature, ConvTransposeSpec spec)
        {
            var g = new ConvTransposeGeometry(signature, spec);
            var taps = new StridedTaps(g.Kernel, spec.Stride, spec.Pad, spec.Dilation, g.InputSize, g.OutputSize, walksOutput: false, variable: "i", verb: "lands on");
            string element = signature.ElementKeyword;
            if (ConvTransposePhaseEmitter.Applies(signature, spec))
            {
                writer.WriteLine("// The vector paths multiply the zero padding by every weight, which PyTorch never does: with an infinite or NaN");
                writer.WriteLine(g.ChecksOutput
                    ? "// weight (0 * inf = NaN) they differ, and only by NaN: an output with a NaN is computed again by the scatter form below."
                    : "// weight (0 * inf = NaN) only the scatter form below gives PyTorch's numbers.");
                VectorWidth.WriteDispatch(writer, signature.MethodName, signature.BiasParameter is null ? "input, weight, output" : "input, weight, bias, output",
                    width => ConvTransposeOperator.Instance.EpilogueOf(signature, spec, width), widths: ConvTransposePhaseEmitter.Widths(signature, spec),
                    condition: FiniteWeights.Before(signature, g.ChecksOutput), verify: FiniteWeights.After(signature, g.ChecksOutput));
                writer.WriteLine("// Without hardware vectors: the scatter form below.");
            }

            writer.WriteLine(Code.StartRef(element, "input"));
            writer.WriteLine(Code.StartRef(element, "weight"));
            writer.WriteLine(Code.StartRef(element, "output"));
            if (signature.BiasParameter is not null)
            {
                writer.WriteLine("// Each output channel starts from its bias; every input element then adds its copy of the kernel.");
                using (writer.Block($"for (int co = 0; co < {g.OutputChannels}; co++)"))
                {
                    writer.WriteLine($"output.Slice({Code.Times("co", g.OutputPlane)}, {g.OutputPlane}).Fill(bias[co]);");
                }
            }
            else
            {
                writer.WriteLine("// The output starts from zero; every input element then adds its copy of the kernel.");
                writer.WriteLine("output.Clear();");
            }

            writer.WriteLine();
            using (writer.Block($"for (int ci = 0; ci < {g.InputChannels}; ci++)"))
            {
                writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times("ci", g.InputPlane)));
                string firstOutput = g.Groups == 1 ? "0" : $"ci / {g.InputChannelsPerGroup} * {g.OutputChannelsPerGroup}";
                if (g.Groups > 1)
                {
                    writer.WriteLine($"int firstOutput = {firstOutput}; // groups of {g.InputChannelsPerGroup} input and {g.OutputChannelsPerGroup} output channels");
                    firstOutput = "firstOutput";
                }

                using (writer.Block($"for (int j = 0; j < {g.OutputChannelsPerGroup}; j++)"))
                {
                    string outputChannel = firstOutput == "0" ? "j" : $"({firstOutput} + j)";
                    writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times(outputChannel, g.OutputPlane)));
                    writer.WriteLine(Code.Derive(element, "w", "weightStart", Code.Times($"(ci * {g.OutputChannelsPerGroup} + j)", g.KernelTaps)));
                    taps.Write(writer, element);
                }
            }
        }
    }
}
