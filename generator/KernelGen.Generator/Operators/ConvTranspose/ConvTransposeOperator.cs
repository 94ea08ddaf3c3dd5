using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary><c>[ConvTranspose]</c>: PyTorch's <c>conv_transpose{1,2,3}d</c>.</summary>
    internal sealed class ConvTransposeOperator : KernelOperator
    {
        public static readonly ConvTransposeOperator Instance = new();

        public override string AttributeName => "KernelGen.ConvTransposeAttribute";

        public override bool HasWeight => true;

        public override string Name(int spatialRank, OperatorSpec spec) => $"ConvTranspose{spatialRank}d";

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            AttributeArguments args = kernel.Attribute;
            KernelSignature signature = kernel.Signature;
            int rank = signature.SpatialRank;
            int errorsBefore = diagnostics.Count;

            WindowParameters? window = WindowParameters.Read(args, signature, diagnostics);
            if (window is null)
            {
                return null;
            }

            var outputPadding = PerAxisValues<int>.Read(args, "OutputPadding", "OutputPaddings", "Output padding", args.GetInt("OutputPadding", 0), rank, diagnostics);
            if (outputPadding is null)
            {
                return null;
            }

            WindowParameters.RequireAtLeast(outputPadding, 0, args, rank, diagnostics);
            if (diagnostics.Count > errorsBefore)
            {
                return null;
            }

            for (int axis = 0; axis < rank; axis++)
            {
                if (outputPadding[axis] >= window.Stride[axis] && outputPadding[axis] >= window.Dilation[axis])
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputPaddingTooLarge, args.LocationOf(outputPadding.ArgumentName),
                        outputPadding[axis], ShapeText.AxisName(rank, axis), window.Stride[axis], window.Dilation[axis]));
                    break;
                }
            }

            window.CheckGroupsDivide(args, signature, diagnostics);
            if (diagnostics.Count > errorsBefore)
            {
                return null;
            }

            var spec = new ConvTransposeSpec(window.Kernel.Values.ToEquatableArray(), window.Stride.Values.ToEquatableArray(), window.Pad.Values.ToEquatableArray(),
                outputPadding.Values.ToEquatableArray(), window.Dilation.Values.ToEquatableArray(), window.Groups);
            var computed = Enumerable.Range(0, rank).Select(axis => ConvTransposeShape.OutputSize(signature.InputShape[axis + 1], spec.Kernel[axis],
                spec.Stride[axis], spec.Pad[axis], spec.OutputPadding[axis], spec.Dilation[axis])).ToArray();
            return WindowParameters.CheckOutputShape(kernel, computed, axis => AxisArithmetic(signature, spec, axis), Instance.WeightShape(signature, spec), diagnostics) ? spec : null;
        }

        private static string AxisArithmetic(KernelSignature signature, ConvTransposeSpec spec, int axis) =>
            ConvTransposeShape.Arithmetic(ShapeText.AxisName(signature.SpatialRank, axis), signature.InputShape[axis + 1],
                spec.Kernel[axis], spec.Stride[axis], spec.Pad[axis], spec.OutputPadding[axis], spec.Dilation[axis]);

        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec)
        {
            var geometry = new ConvTransposeGeometry(signature, (ConvTransposeSpec)spec);
            long perChannelPair = 1;
            for (int axis = 0; axis < geometry.Rank; axis++)
            {
                long reached = 0;
                for (int tap = 0; tap < geometry.Kernel[axis]; tap++)
                {
                    (int lo, int hi) = geometry.InputRange(axis, tap);
                    reached += hi - lo;
                }

                perChannelPair *= reached;
            }

            return perChannelPair * geometry.InputChannels * geometry.OutputChannelsPerGroup;
        }

        public override int[] WeightShape(KernelSignature signature, OperatorSpec spec)
        {
            var conv = (ConvTransposeSpec)spec;
            return new[] { signature.InputShape[0], signature.OutputShape[0] / conv.Groups }.Concat(conv.Kernel).ToArray();
        }

        public override bool WeightIsOutputChannelFirst => false;

        public override string WeightLayout(int spatialRank) =>
            "C_in, C_out/groups, " + string.Join(", ", Enumerable.Range(0, spatialRank).Select(axis => "k" + ShapeText.AxisName(spatialRank, axis)));

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            var conv = (ConvTransposeSpec)spec;
            int rank = signature.SpatialRank;
            yield return string.Empty;
            yield return $"As PyTorch's conv_transpose{rank}d: kernel {ShapeText.Cross(conv.Kernel)}, stride {ShapeText.Cross(conv.Stride)}, pad {ShapeText.Cross(conv.Pad)}, " +
                $"output padding {ShapeText.Cross(conv.OutputPadding)}, dilation {ShapeText.Cross(conv.Dilation)}, groups {conv.Groups}.";
            yield return "Input position i reaches output position i*stride - pad + tap*dilation; overlapping contributions add up.";
            yield return "Output size per axis = (in - 1)*stride - 2*pad + dilation*(k - 1) + output_padding + 1:";
            for (int axis = 0; axis < rank; axis++)
            {
                yield return "  " + AxisArithmetic(signature, conv, axis);
            }
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) =>
            ConvTransposeEmitter.Unroll(signature, (ConvTransposeSpec)spec);

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            ConvTransposeEmitter.WriteLooped(writer, signature, (ConvTransposeSpec)spec);

        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) =>
            ConvTransposePhaseEmitter.Widths(signature, (ConvTransposeSpec)spec);

        public override string? VectorCondition => "every weight is finite";

        public override void WriteMembers(IndentedWriter writer, KernelPlan plan)
        {
            var spec = (ConvTransposeSpec)plan.Operator;
            if (plan.Form == KernelForm.Looped && ConvTransposePhaseEmitter.Applies(plan.Signature, spec))
            {
                ConvTransposePhaseEmitter.WriteMethods(writer, plan.Signature, spec);
            }
        }
    }
}
