using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>The two bodies of a transposed convolution: fully unrolled (gather) and looped (scatter per kernel tap).</summary>
    internal static class ConvTransposeEmitter
    {
        /// <summary>Kernel windows up to this many taps get one loop nest per tap; larger ones loop over the taps too.</summary>
        private const int UnrolledWindowLimit = 64;

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
            string element = signature.ElementKeyword;
            if (ConvTransposePhaseEmitter.Applies(signature, spec))
            {
                writer.WriteLine("// The vector paths multiply the zero padding by every weight, which PyTorch never does: with an infinite or NaN");
                writer.WriteLine("// weight (0 * inf = NaN) only the scatter form below gives PyTorch's numbers.");
                VectorWidth.WriteDispatch(writer, signature.MethodName, signature.BiasParameter is null ? "input, weight, output" : "input, weight, bias, output",
                    widths: ConvTransposePhaseEmitter.Widths(signature, spec), condition: width => $"{signature.MethodName}_WeightsAreFinite_{width.Name}(weight)");
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
                    if (g.KernelTaps <= UnrolledWindowLimit)
                    {
                        WriteUnrolledTaps(writer, g, element);
                    }
                    else
                    {
                        WriteTapLoops(writer, g, element, 0, new TapAxis[g.Rank]);
                    }
                }
            }
        }

        /// <summary>One loop nest per tap, with the tap's input range and output offset as constants.</summary>
        private static void WriteUnrolledTaps(IndentedWriter writer, ConvTransposeGeometry g, string element)
        {
            foreach (int[] tap in MultiIndex.Enumerate(g.Kernel))
            {
                var ranges = Enumerable.Range(0, g.Rank).Select(axis => g.InputRange(axis, tap[axis])).ToArray();
                string tapName = $"tap {ShapeText.Format(tap)}";
                if (ranges.Any(r => r.Hi <= r.Lo))
                {
                    writer.WriteLine($"// {tapName} lands only in the padding");
                    continue;
                }

                var axes = Enumerable.Range(0, g.Rank).Select(axis => new TapAxis(
                    Literals.Int(ranges[axis].Lo), Literals.Int(ranges[axis].Hi),
                    OutputPositionOf(g.Spec.Stride[axis], ConvTransposeShape.TapOffset(tap[axis], g.Spec.Pad[axis], g.Spec.Dilation[axis])))).ToArray();
                string where = string.Join(", ", Enumerable.Range(0, g.Rank).Select(axis =>
                    $"{ShapeText.AxisName(g.Rank, axis)} = {axes[axis].OutputPosition("i")} for i in [{axes[axis].Lo}, {axes[axis].Hi})"));
                writer.WriteLine($"// {tapName} lands on {where}");
                using (writer.Block())
                {
                    writer.WriteLine($"{element} tapWeight = {Code.At("w", Literals.Int(MultiIndex.Offset(tap, g.KernelStrides)))};");
                    WriteInputLoops(writer, g, element, axes, 0, "x", "y");
                }
            }
        }

        /// <summary>Loops over the kernel window too, each tap's input range computed from its offset: for large windows.</summary>
        private static void WriteTapLoops(IndentedWriter writer, ConvTransposeGeometry g, string element, int axis, TapAxis[] axes)
        {
            if (axis == g.Rank)
            {
                string tapIndex = string.Join(" + ", Enumerable.Range(0, g.Rank).Select(a => Code.Times($"t{a}", g.KernelStrides[a])));
                writer.WriteLine($"{element} tapWeight = {Code.At("w", tapIndex)};");
                WriteInputLoops(writer, g, element, axes, 0, "x", "y");
                return;
            }

            string t = $"t{axis}", offset = $"offset{axis}", lo = $"lo{axis}", hi = $"hi{axis}";
            int stride = g.Spec.Stride[axis], inputSize = g.InputSize[axis], outputSize = g.OutputSize[axis];
            using (writer.Block($"for (int {t} = 0; {t} < {g.Kernel[axis]}; {t}++)"))
            {
                writer.WriteLine($"// {ShapeText.AxisName(g.Rank, axis)}: tap {t} of input position i lands on i*{stride} + {offset}; [{lo}, {hi}) keeps it inside the output");
                writer.WriteLine($"int {offset} = {Code.Affine(t, g.Spec.Dilation[axis], -g.Spec.Pad[axis])};");
                writer.WriteLine($"int {lo} = {offset} >= 0 ? 0 : ({stride - 1} - {offset}) / {stride};");
                writer.WriteLine($"int {hi} = {offset} > {outputSize - 1} ? 0 : global::System.Math.Min({inputSize}, ({outputSize - 1} - {offset}) / {stride} + 1);");
                axes[axis] = new TapAxis(lo, hi, variable => $"{Code.Times(variable, stride)} + {offset}");
                WriteTapLoops(writer, g, element, axis + 1, axes);
            }
        }

        /// <summary>
        /// The loop nest of one tap: <c>output[i*stride + offset] += tapWeight * input[i]</c> over the tap's input range,
        /// one loop per spatial axis, with row references so the innermost loop indexes by its own variable only.
        /// </summary>
        private static void WriteInputLoops(IndentedWriter writer, ConvTransposeGeometry g, string element, TapAxis[] axes, int axis, string x, string y)
        {
            string i = $"i{axis}";
            string outputPosition = axes[axis].OutputPosition(i);
            using (writer.Block($"for (int {i} = {axes[axis].Lo}; {i} < {axes[axis].Hi}; {i}++)"))
            {
                if (axis == g.Rank - 1)
                {
                    writer.WriteLine($"{Code.At(y, outputPosition)} += tapWeight * {Code.At(x, i)};");
                    return;
                }

                string xRow = $"x{axis}", yRow = $"y{axis}";
                writer.WriteLine(Code.Derive(element, xRow, x, Code.Times(i, g.InputStrides[axis])));
                writer.WriteLine(Code.Derive(element, yRow, y, Code.Times(outputPosition.Contains(" ") ? $"({outputPosition})" : outputPosition, g.OutputStrides[axis])));
                WriteInputLoops(writer, g, element, axes, axis + 1, xRow, yRow);
            }
        }

        private static System.Func<string, string> OutputPositionOf(int stride, int offset) => variable => Code.Affine(variable, stride, offset);

        /// <summary>One axis of a tap's loop nest: the input range and the output position as an expression of <c>i</c>.</summary>
        private sealed class TapAxis
        {
            public TapAxis(string lo, string hi, System.Func<string, string> outputPosition)
            {
                Lo = lo;
                Hi = hi;
                OutputPosition = outputPosition;
            }

            public string Lo { get; }

            public string Hi { get; }

            /// <summary>The output position reached from input position <c>variable</c>.</summary>
            public System.Func<string, string> OutputPosition { get; }
        }
    }
}
