using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Pool
{
    /// <summary><c>[AdaptiveMaxPool]</c> and <c>[AdaptiveAvgPool]</c>: PyTorch's <c>adaptive_max_pool{1,2,3}d</c> and <c>adaptive_avg_pool{1,2,3}d</c>.</summary>
    internal sealed class AdaptivePoolOperator : KernelOperator
    {
        public static readonly AdaptivePoolOperator Max = new(PoolKind.Max);

        public static readonly AdaptivePoolOperator Average = new(PoolKind.Average);

        private readonly PoolKind _kind;

        private AdaptivePoolOperator(PoolKind kind) => _kind = kind;

        public override string AttributeName => _kind == PoolKind.Max ? "KernelGen.AdaptiveMaxPoolAttribute" : "KernelGen.AdaptiveAvgPoolAttribute";

        public override bool HasWeight => false;

        /// <summary>A max is no weighted sum, and an average divides once per axis: the body is always the loops.</summary>
        public override bool HasUnrolledForm => false;

        public override string Name(int spatialRank, OperatorSpec spec) =>
            (_kind == PoolKind.Max ? "AdaptiveMaxPool" : "AdaptiveAvgPool") + spatialRank.ToString(CultureInfo.InvariantCulture) + "d";

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            AttributeArguments args = kernel.Attribute;
            KernelSignature signature = kernel.Signature;
            int rank = signature.SpatialRank;
            if (!args.ConstructorParameters.Contains("size") && args.GetArray<int>("Sizes") is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.AttributeLocation, "The output size", "given, as size: or Sizes =", "missing"));
                return null;
            }

            var sizes = PerAxisValues<int>.Read(args, "size", "Sizes", "Output size", args.GetInt("size", 0), rank, diagnostics);
            if (sizes is null)
            {
                return null;
            }

            int errorsBefore = diagnostics.Count;
            WindowParameters.RequireAtLeast(sizes, 1, args, rank, diagnostics);
            if (diagnostics.Count > errorsBefore)
            {
                return null;
            }

            var spec = new AdaptivePoolSpec(_kind, sizes.Values.ToEquatableArray());
            if (signature.OutputShape[0] != signature.InputShape[0] || Enumerable.Range(0, rank).Any(axis => sizes[axis] != signature.OutputShape[axis + 1]))
            {
                diagnostics.Add(OutputShapes.ChannelsKeptMismatch(kernel, sizes.Values.Select(size => (long)size), Enumerable.Range(0, rank).Select(axis => Arithmetic(signature, spec, axis))));
                return null;
            }

            return spec;
        }

        private static string Arithmetic(KernelSignature signature, AdaptivePoolSpec spec, int axis) =>
            $"{ShapeText.AxisName(signature.SpatialRank, axis)}: the output size given, {Literals.Int(spec.Sizes[axis])} (from {Literals.Int(signature.InputShape[axis + 1])} inputs)";

        /// <summary>Input reads per sample: each output reads its window, at most ceil(in/out) + 1 inputs per axis.</summary>
        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec)
        {
            var sizes = ((AdaptivePoolSpec)spec).Sizes;
            long reads = ShapeText.ElementCount(signature.OutputShape);
            for (int axis = 0; axis < sizes.Count; axis++)
            {
                reads *= ((signature.InputShape[axis + 1] + sizes[axis] - 1) / sizes[axis]) + 1;
            }

            return reads;
        }

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            var pool = (AdaptivePoolSpec)spec;
            int rank = signature.SpatialRank;
            string sizes = pool.Sizes.Count == 1 ? Literals.Int(pool.Sizes[0]) : "(" + string.Join(", ", pool.Sizes.Select(size => Literals.Int(size))) + ")";
            yield return string.Empty;
            yield return $"As PyTorch's F.adaptive_{(pool.Kind == PoolKind.Max ? "max" : "avg")}_pool{rank}d(x, {sizes}).";
            yield return "On each axis output position o covers input [floor(o*in/out), ceil((o+1)*in/out)), never empty; windows may overlap.";
            yield return pool.Kind == PoolKind.Max
                ? "Each output is the largest input of its window; a NaN in the window wins."
                : "Each output is the sum of its window's inputs divided by the window's length on each axis in turn, outermost first, as PyTorch divides.";
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) =>
            throw new System.InvalidOperationException("Adaptive pooling has no unrolled form.");

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            AdaptivePoolEmitter.WriteLooped(writer, signature, (AdaptivePoolSpec)spec);

        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) => new VectorWidth[0];

        public override string NoVectorForm => "adaptive pooling has no vector form yet";
    }
}
