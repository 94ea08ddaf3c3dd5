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

            bool hasScalarKernel = args.ConstructorParameters.Contains("k");
            if (!hasScalarKernel && args.GetArray<int>("Kernel") is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.AttributeLocation, "The kernel size", "given, as k: or Kernel =", "missing"));
                return null;
            }

            var kernelSize = PerAxisValues<int>.Read(args, "k", "Kernel", "Kernel size", args.GetInt("k", 0), rank, diagnostics);
            var stride = PerAxisValues<int>.Read(args, "stride", "Strides", "Stride", args.GetInt("stride", 1), rank, diagnostics);
            var pad = PerAxisValues<int>.Read(args, "pad", "Pads", "Pad", args.GetInt("pad", 0), rank, diagnostics);
            var outputPadding = PerAxisValues<int>.Read(args, "OutputPadding", "OutputPaddings", "Output padding", args.GetInt("OutputPadding", 0), rank, diagnostics);
            var dilation = PerAxisValues<int>.Read(args, "Dilation", "Dilations", "Dilation", args.GetInt("Dilation", 1), rank, diagnostics);
            int groups = args.GetInt("Groups", 1);
            if (kernelSize is null || stride is null || pad is null || outputPadding is null || dilation is null)
            {
                return null;
            }

            RequireAtLeast(kernelSize, 1, args, rank, diagnostics);
            RequireAtLeast(stride, 1, args, rank, diagnostics);
            RequireAtLeast(dilation, 1, args, rank, diagnostics);
            RequireAtLeast(pad, 0, args, rank, diagnostics);
            RequireAtLeast(outputPadding, 0, args, rank, diagnostics);
            if (groups < 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("Groups"), "Groups", "at least 1", groups));
            }

            if (diagnostics.Count > errorsBefore)
            {
                return null;
            }

            for (int axis = 0; axis < rank; axis++)
            {
                if (outputPadding[axis] >= stride[axis] && outputPadding[axis] >= dilation[axis])
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputPaddingTooLarge, args.LocationOf(outputPadding.ArgumentName),
                        outputPadding[axis], ShapeText.AxisName(rank, axis), stride[axis], dilation[axis]));
                    break;
                }
            }

            int inputChannels = signature.InputShape[0];
            int outputChannels = signature.OutputShape[0];
            if (inputChannels % groups != 0 || outputChannels % groups != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GroupsDoNotDivide, args.LocationOf("Groups"), groups, inputChannels, outputChannels));
            }

            if (diagnostics.Count > errorsBefore)
            {
                return null;
            }

            var spec = new ConvTransposeSpec(kernelSize.Values.ToEquatableArray(), stride.Values.ToEquatableArray(), pad.Values.ToEquatableArray(),
                outputPadding.Values.ToEquatableArray(), dilation.Values.ToEquatableArray(), groups);
            return CheckShapes(kernel, spec, diagnostics) ? spec : null;
        }

        /// <summary>The computed output size against the declared [Shape]; KG0002, KG0001 or KG0011 when they do not fit.</summary>
        private static bool CheckShapes(ParsedKernel kernel, ConvTransposeSpec spec, List<DiagnosticInfo> diagnostics)
        {
            KernelSignature signature = kernel.Signature;
            int rank = signature.SpatialRank;
            var computed = new long[rank];
            var empty = new List<string>();
            for (int axis = 0; axis < rank; axis++)
            {
                computed[axis] = ConvTransposeShape.OutputSize(signature.InputShape[axis + 1], spec.Kernel[axis], spec.Stride[axis], spec.Pad[axis], spec.OutputPadding[axis], spec.Dilation[axis]);
                if (computed[axis] <= 0)
                {
                    empty.Add(AxisArithmetic(signature, spec, axis));
                }
            }

            if (empty.Count > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyOutput, kernel.Attribute.AttributeLocation, signature.MethodName, string.Join("; ", empty)));
                return false;
            }

            bool matches = true;
            for (int axis = 0; axis < rank; axis++)
            {
                matches &= computed[axis] == signature.OutputShape[axis + 1];
            }

            if (!matches)
            {
                var computedShape = new[] { (long)signature.OutputShape[0] }.Concat(computed).ToArray();
                string expected = ShapeText.Format(computedShape);
                string arithmetic = string.Join("; ", Enumerable.Range(0, rank).Select(axis => AxisArithmetic(signature, spec, axis)));
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputShapeMismatch, kernel.OutputShapeLocation,
                    ShapeText.Format(signature.OutputShape), signature.MethodName, expected, arithmetic)
                    .WithProperty(FixProperties.ComputedShape, ShapeText.Join(", ", computedShape)));
                return false;
            }

            int[] weightShape = Instance.WeightShape(signature, spec);
            long weightLength = ShapeText.ElementCount(weightShape);
            if (weightLength > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeTooLarge, kernel.Attribute.AttributeLocation, "weight " + ShapeText.Format(weightShape), signature.MethodName, weightLength));
                return false;
            }

            return true;
        }

        private static void RequireAtLeast(PerAxisValues<int> values, int minimum, AttributeArguments args, int rank, List<DiagnosticInfo> diagnostics)
        {
            for (int axis = 0; axis < rank; axis++)
            {
                if (values[axis] < minimum)
                {
                    string what = values.ArgumentName.EndsWith("s", System.StringComparison.Ordinal) || values.ArgumentName == "Kernel"
                        ? $"{values.Description} on axis {ShapeText.AxisName(rank, axis)}"
                        : values.Description;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf(values.ArgumentName), what, $"at least {minimum}", values[axis]));
                    return;
                }
            }
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
