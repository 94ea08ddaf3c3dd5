using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Conv
{
    /// <summary><c>[Conv]</c>: PyTorch's <c>conv{1,2,3}d</c>.</summary>
    internal sealed class ConvOperator : KernelOperator
    {
        public static readonly ConvOperator Instance = new();

        public override string AttributeName => "KernelGen.ConvAttribute";

        public override bool HasWeight => true;

        public override string Name(int spatialRank, OperatorSpec spec) => $"Conv{spatialRank}d";

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            AttributeArguments args = kernel.Attribute;
            KernelSignature signature = kernel.Signature;
            int rank = signature.SpatialRank;
            WindowParameters? window = WindowParameters.Read(args, signature, diagnostics);
            if (window is null || !window.CheckGroupsDivide(args, signature, diagnostics))
            {
                return null;
            }

            int mode = args.GetEnum("PaddingMode", 0);
            if (!System.Enum.IsDefined(typeof(PaddingMode), mode))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("PaddingMode"), "PaddingMode",
                    "one of " + string.Join(", ", System.Enum.GetNames(typeof(PaddingMode))), Literals.Int(mode)));
                return null;
            }

            int[]? padEnd = args.GetArray<int>("PadsEnd");
            if (padEnd is not null && padEnd.Length != rank)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PerAxisCountMismatch, args.LocationOf("PadsEnd"), "PadsEnd", padEnd.Length, rank));
                return null;
            }

            if (padEnd is not null && padEnd.Any(p => p < 0))
            {
                int axis = System.Array.FindIndex(padEnd, p => p < 0);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("PadsEnd"), $"The pad after the input on axis {ShapeText.AxisName(rank, axis)}", "at least 0", padEnd[axis]));
                return null;
            }

            int algorithm = args.GetEnum("Algorithm", 0);
            if (!System.Enum.IsDefined(typeof(ConvAlgorithm), algorithm))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("Algorithm"), "Algorithm",
                    "one of " + string.Join(", ", System.Enum.GetNames(typeof(ConvAlgorithm))), Literals.Int(algorithm)));
                return null;
            }

            var spec = new ConvSpec(window.Kernel.Values.ToEquatableArray(), window.Stride.Values.ToEquatableArray(), window.Pad.Values.ToEquatableArray(),
                window.Dilation.Values.ToEquatableArray(), window.Groups)
            {
                Padding = (PaddingMode)mode,
                PadEnd = padEnd is null || padEnd.SequenceEqual(window.Pad.Values) ? EquatableArray<int>.Empty : padEnd.ToEquatableArray(),
                Algorithm = (ConvAlgorithm)algorithm,
            };
            if (spec.Algorithm == ConvAlgorithm.Winograd && Winograd.WinogradPlan.WhyNot(signature, spec) is (string needs, string has))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WinogradDoesNotApply, args.LocationOf("Algorithm"), needs, has));
                return null;
            }

            if (!ConvPadding.CheckPadFits(spec, signature, args, window.Pad.ArgumentName, diagnostics))
            {
                return null;
            }

            var computed = Enumerable.Range(0, rank).Select(axis => ConvShape.OutputSize(signature.InputShape[axis + 1], spec.Kernel[axis],
                spec.Stride[axis], spec.Pad[axis], spec.PadEndAt(axis), spec.Dilation[axis])).ToArray();
            return WindowParameters.CheckOutputShape(kernel, computed, axis => AxisArithmetic(signature, spec, axis), WeightShape(signature, spec), diagnostics) ? spec : null;
        }

        private static string AxisArithmetic(KernelSignature signature, ConvSpec spec, int axis) =>
            ConvShape.Arithmetic(ShapeText.AxisName(signature.SpatialRank, axis), signature.InputShape[axis + 1],
                spec.Kernel[axis], spec.Stride[axis], spec.Pad[axis], spec.PadEndAt(axis), spec.Dilation[axis]);

        /// <summary>The products that read inside the input: a tap that reads the padding adds nothing and costs nothing.</summary>
        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec)
        {
            var geometry = new ConvGeometry(signature, (ConvSpec)spec);
            long perChannelPair = 1;
            for (int axis = 0; axis < geometry.Rank; axis++)
            {
                long reached = 0;
                for (int tap = 0; tap < geometry.Kernel[axis]; tap++)
                {
                    (int lo, int hi) = geometry.OutputRange(axis, tap);
                    reached += hi - lo;
                }

                perChannelPair *= reached;
            }

            return perChannelPair * geometry.OutputChannels * geometry.InputChannelsPerGroup;
        }

        public override int[] WeightShape(KernelSignature signature, OperatorSpec spec)
        {
            var conv = (ConvSpec)spec;
            return new[] { signature.OutputShape[0], signature.InputShape[0] / conv.Groups }.Concat(conv.Kernel).ToArray();
        }

        public override string WeightLayout(int spatialRank) =>
            "C_out, C_in/groups, " + string.Join(", ", Enumerable.Range(0, spatialRank).Select(axis => "k" + ShapeText.AxisName(spatialRank, axis)));

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            var conv = (ConvSpec)spec;
            int rank = signature.SpatialRank;
            yield return string.Empty;
            string pad = conv.PadEnd.Count == 0 ? ShapeText.Cross(conv.Pad) : $"{ShapeText.Cross(conv.Pad)} before and {ShapeText.Cross(conv.PadEnd)} after the input";
            yield return $"As PyTorch's conv{rank}d: kernel {ShapeText.Cross(conv.Kernel)}, stride {ShapeText.Cross(conv.Stride)}, pad {pad}, " +
                $"dilation {ShapeText.Cross(conv.Dilation)}, groups {conv.Groups}.";
            yield return !conv.PadsIntoBuffer
                ? "Output position o reads input position o*stride - pad + tap*dilation; a position in the padding adds nothing."
                : $"padding_mode '{ConvPadding.TorchName(conv.Padding)}': the input is first copied into {ShapeText.Format(ConvPadding.PaddedShape(signature, conv))} with {ConvPadding.Describe(conv.Padding)} in the border (F.pad), then convolved without padding.";
            yield return conv.PadEnd.Count == 0
                ? "Output size per axis = (in + 2*pad - (dilation*(k - 1) + 1))/stride + 1, the division rounded down:"
                : "Output size per axis = (in + pad before + pad after - (dilation*(k - 1) + 1))/stride + 1, the division rounded down:";
            for (int axis = 0; axis < rank; axis++)
            {
                yield return "  " + AxisArithmetic(signature, conv, axis);
            }
        }

        /// <summary>A padding mode other than zeros, or pads that differ at the two ends: the same convolution over the padded input, without padding.</summary>
        public override (KernelSignature Signature, OperatorSpec Spec)? PaddedBody(KernelSignature signature, OperatorSpec spec)
        {
            var conv = (ConvSpec)spec;
            if (!conv.PadsIntoBuffer)
            {
                return null;
            }

            var padded = signature with { InputShape = ConvPadding.PaddedShape(signature, conv).ToEquatableArray() };
            return (padded, conv with { Pad = new int[conv.Pad.Count].ToEquatableArray(), PadEnd = EquatableArray<int>.Empty, Padding = PaddingMode.Zeros });
        }

        public override void WritePaddedSample(IndentedWriter writer, KernelPlan plan, string bodyMethod, IEnumerable<string> otherArguments) =>
            ConvPadding.WriteSampleBody(writer, plan, bodyMethod, otherArguments);

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) => ConvEmitter.Unroll(signature, (ConvSpec)spec);

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            ConvEmitter.WriteLooped(writer, signature, (ConvSpec)spec);

        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) => ConvVectorEmitter.Widths(signature, (ConvSpec)spec);

        public override IEnumerable<string> DescribeVectorForms(KernelSignature signature, OperatorSpec spec) =>
            Winograd.WinogradPlan.Describe(signature, (ConvSpec)spec, ConvVectorEmitter.Widths(signature, (ConvSpec)spec));

        public override string? VectorCondition => "every weight is finite";

        public override bool ResidualInRegisters(KernelSignature signature, OperatorSpec spec, VectorWidth width) =>
            new ConvVectorLayout(signature, (ConvSpec)spec, width).Epilogue.AddsResidual;

        /// <summary>The padded input's buffer for a kernel that pads (its body's plan then has the vector methods), else the vector methods.</summary>
        public override void WriteMembers(IndentedWriter writer, KernelPlan plan)
        {
            if (plan.PaddedBody is not null)
            {
                ConvPadding.WriteMembers(writer, plan);
                return;
            }

            if (plan.Form == KernelForm.Looped)
            {
                ConvVectorEmitter.WriteMethods(writer, plan.Signature, (ConvSpec)plan.Operator);
            }
        }
    }
}
