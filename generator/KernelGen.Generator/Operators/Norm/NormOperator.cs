using System.Collections.Generic;
using System.Globalization;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Norm
{
    /// <summary>
    /// <c>[InstanceNorm]</c> and <c>[GroupNorm(groups)]</c>: PyTorch's <c>instance_norm</c> (with the input's own
    /// statistics) and <c>group_norm</c>, one operator, an instance norm being a group norm with a group per channel. The
    /// statistics come from the data at run time, so there is no unrolled form; the output keeps the input's shape and
    /// may be its memory (every element of a group is read for the statistics before any is written, and each output
    /// element is written after its input element is read).
    /// </summary>
    internal sealed class NormOperator : KernelOperator
    {
        public static readonly NormOperator Instance = new(instance: true);

        public static readonly NormOperator Group = new(instance: false);

        private readonly bool _instance;

        private NormOperator(bool instance) => _instance = instance;

        private string Attribute => _instance ? "InstanceNorm" : "GroupNorm";

        public override string AttributeName => $"KernelGen.{Attribute}Attribute";

        /// <summary>Not a weighted layer: its weight and bias are the optional per-channel affine map after the normalization.</summary>
        public override bool HasWeight => false;

        public override bool HasActivation => true;

        public override bool AllowsInPlace => true;

        public override bool HasUnrolledForm => false;

        /// <summary>Without the affine map, or with both its weight and its bias (PyTorch's <c>affine=True</c>, ONNX's scale and B).</summary>
        public override IReadOnlyList<string[]> ParameterLists => new[] { new[] { "input", "output" }, new[] { "input", "weight", "bias", "output" } };

        public override string ParameterDescription => "(optional int batch, ReadOnlySpan input, optionally ReadOnlySpan weight and ReadOnlySpan bias together, Span output)";

        public override string Name(int spatialRank, OperatorSpec spec) => $"{Attribute}{(_instance ? Literals.Int(spatialRank) + "d" : string.Empty)}";

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            AttributeArguments args = kernel.Attribute;
            int channels = kernel.Signature.InputShape[0];
            int groups = _instance ? channels : args.GetInt("groups", 0);
            if (!_instance && (groups < 1 || channels % groups != 0))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("groups") ?? args.AttributeLocation, "The number of groups",
                    $"at least 1 and divide the channels, {Literals.Int(channels)} (PyTorch's rule)", Literals.Int(groups)));
                return null;
            }

            double eps = args.GetDouble("Eps", 1e-5);
            if (!(eps >= 0) || double.IsInfinity(eps))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("Eps"), "Eps", "a finite number, 0 or more",
                    eps.ToString("R", CultureInfo.InvariantCulture)));
                return null;
            }

            return OutputShapes.KeepsInputShape(kernel, diagnostics) ? new NormSpec(groups, eps, _instance) : null;
        }

        /// <summary>The affine map's weight, one value per channel.</summary>
        public override int[]? WeightShape(KernelSignature signature, OperatorSpec spec) => new[] { signature.InputShape[0] };

        public override string WeightLayout(int spatialRank) => "C";

        /// <summary>Two reads for the statistics and one multiply-add per element.</summary>
        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec) => 3 * ShapeText.ElementCount(signature.OutputShape);

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            var norm = (NormSpec)spec;
            NormGeometry g = NormGeometry.Of(signature, norm);
            string eps = norm.Eps.ToString("R", CultureInfo.InvariantCulture);
            string affine = signature.WeightParameter is null ? string.Empty : " * weight[c] + bias[c]";
            string activation = spec.Activation.IsNone ? string.Empty : $", then {spec.Activation.Kind}";
            yield return string.Empty;
            yield return norm.Instance
                ? $"Each channel c of a sample, {Literals.Int(g.Plane)} positions, as (x - mean) / sqrt(variance + {eps}){affine}{activation}, over its own mean and biased variance."
                : $"{Literals.Int(norm.Groups)} group(s) of {Literals.Int(g.ChannelsPerGroup)} channel(s) x {Literals.Int(g.Plane)} positions = {Literals.Int(g.GroupLength)} elements each,"
                    + $" every element of channel c as (x - mean) / sqrt(variance + {eps}){affine}{activation}, over its group's mean and biased variance.";
            yield return "The statistics in double precision and in two passes (the mean, then the squares of the deviations from it), so a large mean costs the variance no digits.";
            yield return "The output may be the input's memory exactly (in place): a group is read whole for its statistics before any of it is written.";
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) =>
            throw new System.InvalidOperationException("A normalization has no unrolled form: its statistics come from the data.");

        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) => NormEmitter.VectorWidths(signature);

        public override string NoVectorForm => "each channel's plane is shorter than a vector";

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            NormEmitter.WriteLooped(writer, signature, (NormSpec)spec, VectorWidths(signature, spec));

        public override void WriteMembers(IndentedWriter writer, KernelPlan plan) => NormEmitter.WriteVectorMethods(writer, plan);
    }
}
