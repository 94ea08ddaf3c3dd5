using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Upsample
{
    /// <summary><c>[Upsample]</c>: PyTorch's <c>F.interpolate</c> with a scale factor, or to the output's size.</summary>
    internal sealed class UpsampleOperator : KernelOperator
    {
        public static readonly UpsampleOperator Instance = new();

        private static readonly string[] TorchModes = { "nearest", "nearest-exact", "linear", "bicubic" };

        public override string AttributeName => "KernelGen.UpsampleAttribute";

        public override bool HasWeight => false;

        public override string Name(int spatialRank, OperatorSpec spec) => $"Upsample{spatialRank}d ({TorchMode(spatialRank, ((UpsampleSpec)spec).Mode)})";

        /// <summary>PyTorch's name of the mode at this rank: <c>bilinear</c> for <c>Linear</c> in 2-D.</summary>
        public static string TorchMode(int spatialRank, UpsampleMode mode) =>
            mode == UpsampleMode.Linear ? new[] { "linear", "bilinear", "trilinear" }[spatialRank - 1] : TorchModes[(int)mode];

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            AttributeArguments args = kernel.Attribute;
            KernelSignature signature = kernel.Signature;
            int rank = signature.SpatialRank;
            // Neither scale nor Scales: F.interpolate(x, size=...), the size being the output's [Shape] and the source
            // coordinate scale in / out on each axis (a scale of 0 in the spec, PyTorch's None).
            bool fromSize = !args.ConstructorParameters.Contains("scale") && args.GetArray<double>("Scales") is null;
            var scales = PerAxisValues<double>.Read(args, "scale", "Scales", "Scale", args.GetDouble("scale", 0), rank, diagnostics);
            if (scales is null)
            {
                return null;
            }

            int modeValue = args.GetEnum("Mode", 0);
            if (modeValue < 0 || modeValue > (int)UpsampleMode.Cubic)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("Mode"), "Mode", "one of Nearest, NearestExact, Linear, Cubic", modeValue));
                return null;
            }

            var mode = (UpsampleMode)modeValue;
            bool alignCorners = args.GetBool("AlignCorners", false);
            int errorsBefore = diagnostics.Count;
            for (int axis = 0; axis < rank && !fromSize; axis++)
            {
                double scale = scales[axis];
                if (!(scale > 0) || double.IsInfinity(scale))
                {
                    string what = scales.ArgumentName == "Scales" ? $"Scale on axis {ShapeText.AxisName(rank, axis)}" : "Scale";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf(scales.ArgumentName), what, "positive and finite",
                        scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                }
            }

            if (alignCorners && (mode == UpsampleMode.Nearest || mode == UpsampleMode.NearestExact))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AlignCornersWithNearest, args.LocationOf("AlignCorners"), TorchModes[(int)mode]));
            }

            if (mode == UpsampleMode.Cubic && rank != 2)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedRank, args.LocationOf("Mode"), "Cubic", rank));
            }

            if (diagnostics.Count > errorsBefore)
            {
                return null;
            }

            var spec = new UpsampleSpec(scales.Values.ToEquatableArray(), mode, alignCorners);
            return CheckShapes(kernel, spec, diagnostics) ? spec : null;
        }

        private static bool CheckShapes(ParsedKernel kernel, UpsampleSpec spec, List<DiagnosticInfo> diagnostics)
        {
            KernelSignature signature = kernel.Signature;
            int rank = signature.SpatialRank;
            var computed = Enumerable.Range(0, rank).Select(axis => spec.IsFromSize ? signature.OutputShape[axis + 1] : UpsampleShape.OutputSize(signature.InputShape[axis + 1], spec.Scales[axis])).ToArray();
            var arithmetic = Enumerable.Range(0, rank).Select(axis => AxisArithmetic(signature, spec, axis)).ToArray();
            var huge = Enumerable.Range(0, rank).Where(axis => computed[axis] > int.MaxValue).ToArray();
            if (huge.Length > 0)
            {
                // floor(in * scale) saturates: say what was asked for instead of printing long.MaxValue as a size.
                int axis = huge[0];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeTooLarge, kernel.Attribute.LocationOf(spec.Scales.Count == rank && kernel.Attribute.IsWritten("Scales") ? "Scales" : "scale"),
                    $"output along {ShapeText.AxisName(rank, axis)}, floor({Literals.Int(signature.InputShape[axis + 1])} * {spec.Scales[axis].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}),", signature.MethodName,
                    ((double)signature.InputShape[axis + 1] * spec.Scales[axis]).ToString("G3", System.Globalization.CultureInfo.InvariantCulture), DiagnosticDescriptors.SpanLimit));
                return false;
            }

            // Each axis's source table holds taps entries per output position, in one array: past .NET's largest
            // array (2,147,483,591 elements) it cannot exist (a linear axis of more than 1,073,741,795 positions).
            int taps = UpsampleShape.TapsPerAxis(spec.Mode);
            var untabled = Enumerable.Range(0, rank).Where(axis => computed[axis] * taps > UpsampleShape.MaxTableEntries).ToArray();
            if (untabled.Length > 0)
            {
                int axis = untabled[0];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeTooLarge, kernel.OutputShapeLocation,
                    $"source table of axis {ShapeText.AxisName(rank, axis)} ({Literals.Int(taps)} per output position, of {Literals.Int(computed[axis])})",
                    signature.MethodName, Literals.Int(computed[axis] * taps), DiagnosticDescriptors.ArrayLimit));
                return false;
            }

            var empty = Enumerable.Range(0, rank).Where(axis => computed[axis] <= 0).Select(axis => arithmetic[axis]).ToArray();
            if (empty.Length > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyOutput, kernel.Attribute.AttributeLocation, signature.MethodName, string.Join("; ", empty)));
                return false;
            }

            bool matches = signature.OutputShape[0] == signature.InputShape[0];
            for (int axis = 0; axis < rank; axis++)
            {
                matches &= computed[axis] == signature.OutputShape[axis + 1];
            }

            if (!matches)
            {
                diagnostics.Add(OutputShapes.ChannelsKeptMismatch(kernel, computed, arithmetic));
                return false;
            }

            return true;
        }

        private static string AxisArithmetic(KernelSignature signature, UpsampleSpec spec, int axis) => spec.IsFromSize
            ? $"{ShapeText.AxisName(signature.SpatialRank, axis)}: {Literals.Int(signature.InputShape[axis + 1])} to {Literals.Int(signature.OutputShape[axis + 1])}, the source coordinate scale {Literals.Int(signature.InputShape[axis + 1])}/{Literals.Int(signature.OutputShape[axis + 1])}"
            : UpsampleShape.Arithmetic(ShapeText.AxisName(signature.SpatialRank, axis), signature.InputShape[axis + 1], spec.Scales[axis]);

        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec)
        {
            int taps = UpsampleShape.TapsPerAxis(((UpsampleSpec)spec).Mode);
            long reads = ShapeText.ElementCount(signature.OutputShape.ToArray());
            for (int axis = 0; axis < signature.SpatialRank; axis++)
            {
                reads *= taps;
            }

            return reads;
        }

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            var upsample = (UpsampleSpec)spec;
            int rank = signature.SpatialRank;
            string align = upsample.Mode is UpsampleMode.Linear or UpsampleMode.Cubic ? $", align_corners={(upsample.AlignCorners ? "True" : "False")}" : string.Empty;
            yield return string.Empty;
            yield return upsample.IsFromSize
                ? $"As PyTorch's F.interpolate(x, size=({string.Join(", ", signature.OutputShape.Skip(1).Select(d => Literals.Int(d)))}), mode='{TorchMode(rank, upsample.Mode)}'{align})."
                : $"As PyTorch's F.interpolate(x, scale_factor={ShapeText.Cross(upsample.Scales.Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray())}, mode='{TorchMode(rank, upsample.Mode)}'{align}).";
            yield return "No weights: every source index and interpolation weight below was computed by the generator.";
            yield return upsample.IsFromSize ? "Output size per axis: the output's [Shape]; a source position is the output position times in/out:" : "Output size per axis = floor(in * scale):";
            for (int axis = 0; axis < rank; axis++)
            {
                yield return "  " + AxisArithmetic(signature, upsample, axis);
            }
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) =>
            UpsampleEmitter.Unroll(signature, (UpsampleSpec)spec);

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            UpsampleEmitter.WriteLooped(writer, signature, (UpsampleSpec)spec);

        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) =>
            UpsampleEmitter.VectorWidths(signature, (UpsampleSpec)spec);

        public override void WriteMembers(IndentedWriter writer, KernelPlan plan) =>
            UpsampleEmitter.WriteTables(writer, plan);
    }
}
