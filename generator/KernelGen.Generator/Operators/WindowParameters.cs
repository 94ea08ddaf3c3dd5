using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// The parameters both convolutions share, read and checked in one place: the kernel size (<c>k:</c> or
    /// <c>Kernel =</c>), stride, pad and dilation per spatial axis, and the groups, which must divide both channel counts.
    /// </summary>
    internal sealed class WindowParameters
    {
        private WindowParameters(PerAxisValues<int> kernel, PerAxisValues<int> stride, PerAxisValues<int> pad, PerAxisValues<int> dilation, int groups)
        {
            Kernel = kernel;
            Stride = stride;
            Pad = pad;
            Dilation = dilation;
            Groups = groups;
        }

        public PerAxisValues<int> Kernel { get; }

        public PerAxisValues<int> Stride { get; }

        public PerAxisValues<int> Pad { get; }

        public PerAxisValues<int> Dilation { get; }

        public int Groups { get; }

        /// <summary>Null, with diagnostics, when a value is missing, has the wrong count or is out of range.</summary>
        public static WindowParameters? Read(AttributeArguments args, KernelSignature signature, List<DiagnosticInfo> diagnostics)
        {
            int rank = signature.SpatialRank;
            int errorsBefore = diagnostics.Count;
            if (!args.ConstructorParameters.Contains("k") && args.GetArray<int>("Kernel") is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.AttributeLocation, "The kernel size", "given, as k: or Kernel =", "missing"));
                return null;
            }

            var kernel = PerAxisValues<int>.Read(args, "k", "Kernel", "Kernel size", args.GetInt("k", 0), rank, diagnostics);
            var stride = PerAxisValues<int>.Read(args, "stride", "Strides", "Stride", args.GetInt("stride", 1), rank, diagnostics);
            var pad = PerAxisValues<int>.Read(args, "pad", "Pads", "Pad", args.GetInt("pad", 0), rank, diagnostics);
            var dilation = PerAxisValues<int>.Read(args, "Dilation", "Dilations", "Dilation", args.GetInt("Dilation", 1), rank, diagnostics);
            int groups = args.GetInt("Groups", 1);
            if (kernel is null || stride is null || pad is null || dilation is null)
            {
                return null;
            }

            RequireAtLeast(kernel, 1, args, rank, diagnostics);
            RequireAtLeast(stride, 1, args, rank, diagnostics);
            RequireAtLeast(dilation, 1, args, rank, diagnostics);
            RequireAtLeast(pad, 0, args, rank, diagnostics);
            if (groups < 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("Groups"), "Groups", "at least 1", groups));
            }

            return diagnostics.Count > errorsBefore ? null : new WindowParameters(kernel, stride, pad, dilation, groups);
        }

        /// <summary>KG0005 when the groups do not divide both channel counts.</summary>
        public bool CheckGroupsDivide(AttributeArguments args, KernelSignature signature, List<DiagnosticInfo> diagnostics)
        {
            if (signature.InputShape[0] % Groups == 0 && signature.OutputShape[0] % Groups == 0)
            {
                return true;
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GroupsDoNotDivide, args.LocationOf("Groups"), Groups, signature.InputShape[0], signature.OutputShape[0]));
            return false;
        }

        /// <summary>
        /// The computed output size per spatial axis against the declared [Shape]: KG0002 when an axis is empty, KG0001
        /// (with the computed shape for the code fix) when they differ, KG0011 when the weight is too large.
        /// </summary>
        /// <param name="arithmetic">The output-size arithmetic of one axis, for the messages.</param>
        public static bool CheckOutputShape(ParsedKernel kernel, long[] computed, System.Func<int, string> arithmetic, int[] weightShape, List<DiagnosticInfo> diagnostics)
        {
            KernelSignature signature = kernel.Signature;
            int rank = signature.SpatialRank;
            var empty = Enumerable.Range(0, rank).Where(axis => computed[axis] <= 0).Select(arithmetic).ToList();
            if (empty.Count > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyOutput, kernel.Attribute.AttributeLocation, signature.MethodName, string.Join("; ", empty)));
                return false;
            }

            if (Enumerable.Range(0, rank).Any(axis => computed[axis] != signature.OutputShape[axis + 1]))
            {
                var computedShape = new[] { (long)signature.OutputShape[0] }.Concat(computed).ToArray();
                diagnostics.Add(OutputShapes.Mismatch(kernel, computedShape, string.Join("; ", Enumerable.Range(0, rank).Select(arithmetic))));
                return false;
            }

            long weightLength = ShapeText.ElementCount(weightShape);
            if (weightLength > int.MaxValue)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeTooLarge, kernel.Attribute.AttributeLocation, "weight " + ShapeText.Format(weightShape), signature.MethodName, ShapeText.ExactElementCount(weightShape), DiagnosticDescriptors.SpanLimit));
                return false;
            }

            return true;
        }

        /// <summary>KG0003 for the first axis whose value is below <paramref name="minimum"/>, naming the axis for a per-axis form.</summary>
        public static void RequireAtLeast(PerAxisValues<int> values, int minimum, AttributeArguments args, int rank, List<DiagnosticInfo> diagnostics)
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
    }
}
