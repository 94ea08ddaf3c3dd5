using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Pool
{
    /// <summary><c>[MaxPool]</c> and <c>[AvgPool]</c>: PyTorch's <c>max_pool{1,2,3}d</c> and <c>avg_pool{1,2,3}d</c>.</summary>
    internal sealed class PoolOperator : KernelOperator
    {
        public static readonly PoolOperator Max = new(PoolKind.Max);

        public static readonly PoolOperator Average = new(PoolKind.Average);

        private readonly PoolKind _kind;

        private PoolOperator(PoolKind kind) => _kind = kind;

        public override string AttributeName => _kind == PoolKind.Max ? "KernelGen.MaxPoolAttribute" : "KernelGen.AvgPoolAttribute";

        public override bool HasWeight => false;

        /// <summary>A max is no weighted sum: the body is always the loops.</summary>
        public override bool HasUnrolledForm => false;

        public override string Name(int spatialRank, OperatorSpec spec) => (_kind == PoolKind.Max ? "MaxPool" : "AvgPool") + spatialRank.ToString(CultureInfo.InvariantCulture) + "d";

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            AttributeArguments args = kernel.Attribute;
            KernelSignature signature = kernel.Signature;
            int rank = signature.SpatialRank;
            if (!args.ConstructorParameters.Contains("k") && args.GetArray<int>("Kernel") is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.AttributeLocation, "The window size", "given, as k: or Kernel =", "missing"));
                return null;
            }

            int errorsBefore = diagnostics.Count;
            var kernelSize = PerAxisValues<int>.Read(args, "k", "Kernel", "Kernel size", args.GetInt("k", 0), rank, diagnostics);
            var pad = PerAxisValues<int>.Read(args, "pad", "Pads", "Pad", args.GetInt("pad", 0), rank, diagnostics);
            var dilation = PerAxisValues<int>.Read(args, "Dilation", "Dilations", "Dilation", args.GetInt("Dilation", 1), rank, diagnostics);
            if (kernelSize is null || pad is null || dilation is null)
            {
                return null;
            }

            // As PyTorch: the stride is the window size unless given (stride=None).
            var stride = args.IsWritten("stride") || args.GetArray<int>("Strides") is not null
                ? PerAxisValues<int>.Read(args, "stride", "Strides", "Stride", args.GetInt("stride", 1), rank, diagnostics)
                : kernelSize;
            if (stride is null)
            {
                return null;
            }

            WindowParameters.RequireAtLeast(kernelSize, 1, args, rank, diagnostics);
            if (!ReferenceEquals(stride, kernelSize))
            {
                WindowParameters.RequireAtLeast(stride, 1, args, rank, diagnostics);
            }

            WindowParameters.RequireAtLeast(dilation, 1, args, rank, diagnostics);
            WindowParameters.RequireAtLeast(pad, 0, args, rank, diagnostics);
            if (diagnostics.Count > errorsBefore)
            {
                return null;
            }

            // PyTorch's rule (pool2d_shape_check): the padding is at most half the window, so every window meets the input.
            for (int axis = 0; axis < rank; axis++)
            {
                if (pad[axis] > kernelSize[axis] / 2)
                {
                    string what = pad.ArgumentName == "Pads" ? $"Pad on axis {ShapeText.AxisName(rank, axis)}" : "Pad";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf(pad.ArgumentName), what,
                        $"at most half the window size, {kernelSize[axis]}/2 = {kernelSize[axis] / 2} (PyTorch's rule: padding never fills more than half a window)", pad[axis]));
                    return null;
                }
            }

            // The pad after the input (ONNX's asymmetric pads), under the same rule as the pad before it.
            int[]? padEnd = args.GetArray<int>("PadsEnd");
            if (padEnd is not null && padEnd.Length != rank)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PerAxisCountMismatch, args.LocationOf("PadsEnd"), "PadsEnd", padEnd.Length, rank));
                return null;
            }

            for (int axis = 0; padEnd is not null && axis < rank; axis++)
            {
                if (padEnd[axis] < 0 || padEnd[axis] > kernelSize[axis] / 2)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("PadsEnd"), $"The pad after the input on axis {ShapeText.AxisName(rank, axis)}",
                        $"at least 0 and at most half the window size, {kernelSize[axis]}/2 = {kernelSize[axis] / 2} (PyTorch's rule for the pad before it)", padEnd[axis]));
                    return null;
                }
            }

            int divisor = args.GetInt("DivisorOverride", 0);
            var spec = new PoolSpec(_kind, kernelSize.Values.ToEquatableArray(), stride.Values.ToEquatableArray(), pad.Values.ToEquatableArray(),
                dilation.Values.ToEquatableArray(), args.GetBool("CeilMode", false), args.GetBool("CountIncludePad", true), divisor)
            {
                PadEnd = padEnd is null || padEnd.SequenceEqual(pad.Values) ? EquatableArray<int>.Empty : padEnd.ToEquatableArray(),
            };
            return CheckShapes(kernel, spec, diagnostics) ? spec : null;
        }

        private static bool CheckShapes(ParsedKernel kernel, PoolSpec spec, List<DiagnosticInfo> diagnostics)
        {
            KernelSignature signature = kernel.Signature;
            int rank = signature.SpatialRank;
            long[] computed = Enumerable.Range(0, rank).Select(axis => OutputSize(signature, spec, axis)).ToArray();
            string[] arithmetic = Enumerable.Range(0, rank).Select(axis => AxisArithmetic(signature, spec, axis)).ToArray();
            var empty = Enumerable.Range(0, rank).Where(axis => computed[axis] <= 0).Select(axis => arithmetic[axis]).ToArray();
            if (empty.Length > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyOutput, kernel.Attribute.AttributeLocation, signature.MethodName, string.Join("; ", empty)));
                return false;
            }

            if (signature.OutputShape[0] != signature.InputShape[0] || Enumerable.Range(0, rank).Any(axis => computed[axis] != signature.OutputShape[axis + 1]))
            {
                diagnostics.Add(OutputShapes.ChannelsKeptMismatch(kernel, computed, arithmetic));
                return false;
            }

            return true;
        }

        private static long OutputSize(KernelSignature signature, PoolSpec spec, int axis) =>
            PoolShape.OutputSize(signature.InputShape[axis + 1], spec.Kernel[axis], spec.Stride[axis], spec.Pad[axis], spec.PadEndAt(axis), spec.Dilation[axis], spec.CeilMode);

        private static string AxisArithmetic(KernelSignature signature, PoolSpec spec, int axis) =>
            PoolShape.Arithmetic(ShapeText.AxisName(signature.SpatialRank, axis), signature.InputShape[axis + 1], spec.Kernel[axis], spec.Stride[axis],
                spec.Pad[axis], spec.PadEndAt(axis), spec.Dilation[axis], spec.CeilMode);

        /// <summary>Input reads per sample: every output element reads its whole window at most.</summary>
        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec) =>
            ShapeText.ElementCount(signature.OutputShape) * ShapeText.ElementCount(((PoolSpec)spec).Kernel);

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            var pool = (PoolSpec)spec;
            int rank = signature.SpatialRank;
            string Values(EquatableArray<int> values) => values.Count == 1 ? Literals.Int(values[0]) : "(" + string.Join(", ", values.Select(v => Literals.Int(v))) + ")";
            string options = pool.Kind == PoolKind.Max
                ? $"dilation={Values(pool.Dilation)}, ceil_mode={(pool.CeilMode ? "True" : "False")}"
                : $"ceil_mode={(pool.CeilMode ? "True" : "False")}, count_include_pad={(pool.CountIncludePad ? "True" : "False")}"
                    + (pool.DivisorOverride != 0 ? $", divisor_override={Literals.Int(pool.DivisorOverride)}" : string.Empty);
            yield return string.Empty;
            yield return $"As PyTorch's F.{(pool.Kind == PoolKind.Max ? "max_pool" : "avg_pool")}{rank}d(x, kernel_size={Values(pool.Kernel)}, stride={Values(pool.Stride)}, padding={Values(pool.Pad)}, {options})"
                + (pool.PadEnd.Count == 0 ? "." : $", with {Values(pool.PadEnd)} of padding after the input instead (ONNX's asymmetric pads).");
            yield return pool.Kind == PoolKind.Max
                ? "Each output is the largest input of its window; a NaN in the window wins; padding never does."
                : pool.DivisorOverride != 0
                    ? $"Each output is the sum of its window's inputs divided by {Literals.Int(pool.DivisorOverride)} (divisor_override)."
                    : pool.CountIncludePad
                        ? "Each output is the sum of its window's inputs divided by the window's size with its padding (not the part past the right padding)."
                        : "Each output is the sum of its window's inputs divided by how many inputs the window holds.";
            yield return $"Output size per axis = (in + 2*pad - window)/stride + 1, the division rounded {(pool.CeilMode ? "up, then less 1 where the last window would start past the input and its left padding" : "down")}:";
            for (int axis = 0; axis < rank; axis++)
            {
                yield return "  " + AxisArithmetic(signature, pool, axis);
            }
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) =>
            throw new System.InvalidOperationException("Pooling has no unrolled form.");

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            PoolEmitter.WriteLooped(writer, signature, (PoolSpec)spec);

        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) => PoolEmitter.VectorWidths(signature, (PoolSpec)spec);

        public override string NoVectorForm => "a vector form needs a stride of 1 or 2 on the last axis and a vector's worth of windows inside the input there";

        public override void WriteMembers(IndentedWriter writer, KernelPlan plan) => PoolEmitter.WriteVectorMethods(writer, plan);
    }
}
