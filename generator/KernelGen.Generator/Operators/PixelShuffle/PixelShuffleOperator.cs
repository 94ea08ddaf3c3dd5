using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.PixelShuffle
{
    /// <summary>
    /// <c>[PixelShuffle(r)]</c> and <c>[PixelUnshuffle(r)]</c>: PyTorch's <c>pixel_shuffle</c> and <c>pixel_unshuffle</c>
    /// (ONNX's <c>DepthToSpace</c> and <c>SpaceToDepth</c>), 2-D as in PyTorch. A permutation: every element copied once.
    /// </summary>
    internal sealed class PixelShuffleOperator : KernelOperator
    {
        public static readonly PixelShuffleOperator Shuffle = new(unshuffle: false);

        public static readonly PixelShuffleOperator Unshuffle = new(unshuffle: true);

        private readonly bool _unshuffle;

        private PixelShuffleOperator(bool unshuffle) => _unshuffle = unshuffle;

        private string Attribute => _unshuffle ? "PixelUnshuffle" : "PixelShuffle";

        public override string AttributeName => $"KernelGen.{Attribute}Attribute";

        public override bool HasWeight => false;

        /// <summary>A copy with no arithmetic: the loops are the whole body.</summary>
        public override bool HasUnrolledForm => false;

        public override string Name(int spatialRank, OperatorSpec spec) => Attribute;

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            KernelSignature signature = kernel.Signature;
            AttributeArguments args = kernel.Attribute;
            if (signature.SpatialRank != 2)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, kernel.InputShapeLocation, Identifiers.Unescape(signature.InputParameter),
                    $"has {Literals.Int(signature.SpatialRank)} spatial dimension(s); [{Attribute}] works on 2 (H, W), as PyTorch's {Torch}"));
                return null;
            }

            int r = args.GetInt("factor", 0);
            if (r < 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("factor") ?? args.AttributeLocation, "The factor", "at least 1", Literals.Int(r)));
                return null;
            }

            int order = args.GetEnum("Order", 0);
            if (order is < 0 or > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("Order"), "Order", "PixelShuffleOrder.ChannelsFirst or PixelShuffleOrder.BlocksFirst", Literals.Int(order)));
                return null;
            }

            var spec = new PixelShuffleSpec(_unshuffle, r, order == 1);
            int c = signature.InputShape[0], h = signature.InputShape[1], w = signature.InputShape[2];
            long blocks = (long)r * r;
            // What must divide: the channels by r*r (shuffle), the height and width by r (unshuffle).
            string? indivisible = !_unshuffle
                ? (c % blocks != 0 ? $"the input's channels, {Literals.Int(c)}, must be a multiple of r*r = {Literals.Int(blocks)} (PyTorch's rule)" : null)
                : h % r != 0 || w % r != 0 ? $"the input's height and width, {Literals.Int(h)} and {Literals.Int(w)}, must be multiples of r = {Literals.Int(r)} (PyTorch's rule)" : null;
            if (indivisible is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, kernel.InputShapeLocation, Identifiers.Unescape(signature.InputParameter), indivisible));
                return null;
            }

            long[] computed = _unshuffle ? new[] { c * blocks, h / r, w / r } : new[] { c / blocks, (long)h * r, (long)w * r };
            if (computed.SequenceEqual(signature.OutputShape.Select(d => (long)d)))
            {
                return spec;
            }

            string arithmetic = _unshuffle
                ? $"C: {Literals.Int(c)}*{Literals.Int(r)}*{Literals.Int(r)} = {Literals.Int(computed[0])}; H: {Literals.Int(h)}/{Literals.Int(r)} = {Literals.Int(computed[1])}; W: {Literals.Int(w)}/{Literals.Int(r)} = {Literals.Int(computed[2])}"
                : $"C: {Literals.Int(c)}/({Literals.Int(r)}*{Literals.Int(r)}) = {Literals.Int(computed[0])}; H: {Literals.Int(h)}*{Literals.Int(r)} = {Literals.Int(computed[1])}; W: {Literals.Int(w)}*{Literals.Int(r)} = {Literals.Int(computed[2])}";
            diagnostics.Add(OutputShapes.Mismatch(kernel, computed, arithmetic));
            return null;
        }

        private string Torch => _unshuffle ? "pixel_unshuffle" : "pixel_shuffle";

        /// <summary>Elements copied per sample.</summary>
        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec) => ShapeText.ElementCount(signature.OutputShape);

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            var shuffle = (PixelShuffleSpec)spec;
            string r = Literals.Int(shuffle.Factor);
            string deep = shuffle.BlocksFirst ? "(i*r + j)*C + c" : "c*r*r + i*r + j";
            yield return string.Empty;
            yield return $"As PyTorch's F.{Torch}(x, {r}){(shuffle.BlocksFirst ? $", in ONNX's DCR order ({(shuffle.Unshuffle ? "SpaceToDepth" : "DepthToSpace")})" : string.Empty)}:";
            yield return $"element (h*r + i, w*r + j) of channel c on the wide side is element (h, w) of channel {deep} on the deep side, r = {r}.";
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) =>
            throw new System.InvalidOperationException("A pixel shuffle has no unrolled form.");

        /// <summary>Every width whose vector a deep-side row holds: the rows are the unit of the vector form.</summary>
        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec)
        {
            var shuffle = (PixelShuffleSpec)spec;
            int deepWidth = (shuffle.Unshuffle ? signature.OutputShape : signature.InputShape)[2];
            return VectorWidth.All.Where(width => width.Lanes(signature.ElementType) <= deepWidth).ToArray();
        }

        /// <summary>
        /// Per channel of the wide side, per row h of the deep side and block row i: the wide-side row h*r + i, written (or
        /// read) in order, each block column j from its own deep-side plane.
        /// </summary>
        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec)
        {
            VectorWidth.WriteDispatch(writer, signature.MethodName, "input, output", VectorWidths(signature, spec), width => width.VariableShuffleCondition);
            WriteNest(writer, signature, (PixelShuffleSpec)spec, width: null);
        }

        public override void WriteMembers(IndentedWriter writer, KernelPlan plan)
        {
            var spec = (PixelShuffleSpec)plan.Operator;
            string element = plan.Signature.ElementKeyword;
            int channels = (spec.Unshuffle ? plan.Signature.InputShape : plan.Signature.OutputShape)[0];
            long elements = ShapeText.ElementCount(plan.Signature.InputShape);
            foreach (VectorWidth width in VectorWidths(plan.Signature, spec))
            {
                int lanes = width.Lanes(plan.Signature.ElementType);
                string summary = $"One sample with {width.Name}: {Literals.Int(lanes)} columns of each of the r deep-side rows at a time, interleaved by constant shuffles into r wide-side vectors (or the reverse), the last columns one by one.";
                // The wide side's channels are independent (each reads and writes its own r*r deep-side planes' rows): a large
                // rearrangement splits by them across the workers.
                ParallelParts.WritePassMethod(writer, width, plan.Signature.MethodName, $"global::System.ReadOnlySpan<{element}> input, global::System.Span<{element}> output",
                    summary, element, ParallelParts.InputOutput, channels, "the wide side's channels", elements, elements,
                    range => WriteNest(writer, plan.Signature, spec, width, range));
            }
        }

        /// <param name="channels">The wide side's channels rearranged: every one, or in the split form a unit's range.</param>
        private void WriteNest(IndentedWriter writer, KernelSignature signature, PixelShuffleSpec shuffle, VectorWidth? width, (string First, string End)? channels = null)
        {
            int r = shuffle.Factor;
            int[] wide = (shuffle.Unshuffle ? signature.InputShape : signature.OutputShape).ToArray();
            int[] deep = (shuffle.Unshuffle ? signature.OutputShape : signature.InputShape).ToArray();
            int wideChannels = wide[0], h = deep[1], w = deep[2], plane = h * w, wideRow = wide[2];
            string element = signature.ElementKeyword;
            writer.WriteLine(Code.StartRef(element, "input"));
            writer.WriteLine(Code.StartRef(element, "output"));
            using (writer.Block($"for (int c = {channels?.First ?? "0"}; c < {channels?.End ?? Literals.Int(wideChannels)}; c++)"))
            using (writer.Block($"for (int h = 0; h < {Literals.Int(h)}; h++)"))
            using (writer.Block($"for (int i = 0; i < {Literals.Int(r)}; i++)"))
            {
                writer.WriteLine($"int wideAt = (c * {Literals.Int(wide[1])} + h * {Literals.Int(r)} + i) * {Literals.Int(wideRow)};");
                // The deep-side channel of block position (i, j) of channel c, at j = 0; j adds 1 (PyTorch) or C (DCR).
                string channel = shuffle.BlocksFirst ? $"i * {Literals.Int(r * wideChannels)} + c" : $"c * {Literals.Int(r * r)} + i * {Literals.Int(r)}";
                writer.WriteLine($"int deepAt = ({channel}) * {Literals.Int(plane)} + h * {Literals.Int(w)};");
                int step = (shuffle.BlocksFirst ? wideChannels : 1) * plane;
                writer.WriteLine("int x = 0;");
                if (width is not null)
                {
                    WriteVectorColumns(writer, shuffle, width, signature.ElementType, w, step);
                }

                using (writer.Block($"for (; x < {Literals.Int(w)}; x++)"))
                {
                    for (int j = 0; j < r; j++)
                    {
                        string wideIndex = Join($"wideAt + x * {Literals.Int(r)}", j);
                        string deepIndex = Join("deepAt + x", j * step);
                        string target = shuffle.Unshuffle ? deepIndex : wideIndex, source = shuffle.Unshuffle ? wideIndex : deepIndex;
                        writer.WriteLine($"{Code.At("outputStart", target)} = {Code.At("inputStart", source)};");
                    }
                }
            }
        }

        /// <summary>
        /// L = lanes columns at a time: a vector from each of the r deep-side rows, and r vectors of the wide-side row
        /// (positions x*r to (x + L)*r). Wide position p holds column p / r of deep row p % r, so each wide vector is the
        /// OR of one constant shuffle of every deep vector (a shuffle index past the vector gives 0), and each deep vector
        /// the OR of one of every wide vector.
        /// </summary>
        private static void WriteVectorColumns(IndentedWriter writer, PixelShuffleSpec shuffle, VectorWidth width, ElementType type, int w, int step)
        {
            int r = shuffle.Factor, lanes = width.Lanes(type);
            string Deep(int j) => Join("deepAt + x", j * step);
            string Wide(int m) => Join($"wideAt + x * {Literals.Int(r)}", m * lanes);
            using (writer.Block($"for (; x <= {Literals.Int(w - lanes)}; x += {Literals.Int(lanes)})"))
            {
                for (int k = 0; k < r; k++)
                {
                    writer.WriteLine($"var from{Literals.Int(k)} = {width.Load("inputStart", shuffle.Unshuffle ? Wide(k) : Deep(k))};");
                }

                for (int k = 0; k < r; k++)
                {
                    // Lane t of target vector k takes, from source vector s, the lane the layout puts there, or nothing.
                    var parts = new List<string>();
                    for (int source = 0; source < r; source++)
                    {
                        int[] indices = Enumerable.Range(0, lanes).Select(t =>
                        {
                            if (!shuffle.Unshuffle)
                            {
                                int p = (k * lanes) + t;
                                return p % r == source ? p / r : lanes;
                            }

                            int q = (t * r) + k;
                            return q / lanes == source ? q % lanes : lanes;
                        }).ToArray();
                        if (indices.Any(index => index < lanes))
                        {
                            parts.Add(width.ConstantShuffle($"from{Literals.Int(source)}", indices, type));
                        }
                    }

                    string target = shuffle.Unshuffle ? Deep(k) : Wide(k);
                    writer.WriteLine(width.Store(string.Join(" | ", parts), "outputStart", target));
                }
            }
        }

        private static string Join(string offset, int constant) => constant == 0 ? offset : $"{offset} + {Literals.Int(constant)}";
    }
}
