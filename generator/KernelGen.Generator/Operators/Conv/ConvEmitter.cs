using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Conv
{
    /// <summary>The scalar bodies of a convolution: fully unrolled, and looped (gather per kernel tap).</summary>
    internal static class ConvEmitter
    {
        /// <summary>
        /// Each output element sums, over the input channels of its group and the taps of the window, the weight times
        /// the input element the tap reads: <c>o*stride - pad + t*dilation</c> on every axis. A tap that reads the padding
        /// adds nothing and has no term.
        /// </summary>
        public static IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, ConvSpec spec)
        {
            var g = new ConvGeometry(signature, spec);
            bool hasBias = signature.BiasParameter is not null;
            foreach (int co in Enumerable.Range(0, g.OutputChannels))
            {
                int firstInput = g.FirstInputChannel(co);
                foreach (int[] o in MultiIndex.Enumerate(g.OutputSize))
                {
                    var terms = new List<Term>();
                    for (int j = 0; j < g.InputChannelsPerGroup; j++)
                    {
                        foreach (int[] t in MultiIndex.Enumerate(g.Kernel))
                        {
                            int inputOffset = 0;
                            bool inside = true;
                            for (int axis = 0; axis < g.Rank && inside; axis++)
                            {
                                int i = (o[axis] * spec.Stride[axis]) + StridedTaps.TapOffset(t[axis], spec.Pad[axis], spec.Dilation[axis]);
                                inside = i >= 0 && i < g.InputSize[axis];
                                inputOffset += i * g.InputStrides[axis];
                            }

                            if (inside)
                            {
                                terms.Add(Term.Weighted(((firstInput + j) * g.InputPlane) + inputOffset, g.WeightBase(co, j) + MultiIndex.Offset(t, g.KernelStrides)));
                            }
                        }
                    }

                    bool rowStart = o[g.Rank - 1] == 0;
                    string? comment = rowStart ? $"output[{co}, {string.Join(", ", o.Take(g.Rank - 1).Select(v => v.ToString(CultureInfo.InvariantCulture)).Concat(new[] { ":" }))}]" : null;
                    yield return new UnrolledOutput((co * g.OutputPlane) + MultiIndex.Offset(o, g.OutputStrides), hasBias ? co : -1, terms, comment);
                }
            }
        }

        /// <summary>
        /// Gather form: each output channel starts from its bias, then each input channel of its group adds, tap by tap,
        /// the tap's weight times the input window the tap reads. Each tap's output range is computed here, so the loops
        /// never test a bound and no multiply touches the padding.
        /// </summary>
        public static void WriteLooped(IndentedWriter writer, KernelSignature signature, ConvSpec spec)
        {
            var g = new ConvGeometry(signature, spec);
            var taps = new StridedTaps(g.Kernel, spec.Stride, spec.Pad, spec.Dilation, g.OutputSize, g.InputSize, walksOutput: true, variable: "o", verb: "reads");
            string element = signature.ElementKeyword;
            VectorWidth[] widths = ConvVectorEmitter.Widths(signature, spec);
            if (widths.Length > 0)
            {
                writer.WriteLine("// The vector paths multiply the zero padding by the weights; the loops below skip it, as PyTorch's oneDNN kernels do.");
                writer.WriteLine(g.ChecksOutput
                    ? "// With an infinite or NaN weight (0 * inf = NaN) that differs, and only by NaN: an output with a NaN is computed again by the loops."
                    : "// With an infinite or NaN weight (0 * inf = NaN) that differs, so such weights take the loops.");
                VectorWidth.WriteDispatch(writer, signature.MethodName, signature.BiasParameter is null ? "input, weight, output" : "input, weight, bias, output",
                    width => ConvOperator.Instance.EpilogueOf(signature, spec, width), widths: widths, condition: FiniteWeights.Before(signature, g.ChecksOutput),
                    verify: FiniteWeights.After(signature, g.ChecksOutput));
                writer.WriteLine("// Without hardware vectors: the gather form below.");
            }

            writer.WriteLine(Code.StartRef(element, "input"));
            writer.WriteLine(Code.StartRef(element, "weight"));
            writer.WriteLine(Code.StartRef(element, "output"));
            using (writer.Block($"for (int co = 0; co < {g.OutputChannels}; co++)"))
            {
                string start = signature.BiasParameter is null ? Literals.Real(0, signature.ElementType) : "bias[co]";
                writer.WriteLine($"// Output channel co starts from {(signature.BiasParameter is null ? "zero" : "its bias")}; every input channel of its group then adds each tap's window.");
                writer.WriteLine($"output.Slice({Code.Times("co", g.OutputPlane)}, {g.OutputPlane}).Fill({start});");
                writer.WriteLine(Code.Derive(element, "y", "outputStart", Code.Times("co", g.OutputPlane)));
                string firstInput = "0";
                if (g.Groups > 1)
                {
                    writer.WriteLine($"int firstInput = co / {g.OutputChannelsPerGroup} * {g.InputChannelsPerGroup}; // groups of {g.InputChannelsPerGroup} input and {g.OutputChannelsPerGroup} output channels");
                    firstInput = "firstInput";
                }

                using (writer.Block($"for (int j = 0; j < {g.InputChannelsPerGroup}; j++)"))
                {
                    string inputChannel = firstInput == "0" ? "j" : $"({firstInput} + j)";
                    writer.WriteLine(Code.Derive(element, "x", "inputStart", Code.Times(inputChannel, g.InputPlane)));
                    writer.WriteLine(Code.Derive(element, "w", "weightStart", Code.Times($"(co * {g.InputChannelsPerGroup} + j)", g.KernelTaps)));
                    taps.Write(writer, element);
                }
            }
        }
    }
}
