using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators
{
    /// <summary>The report for a declared output shape that is not the computed one, the same for every operator.</summary>
    internal static class OutputShapes
    {
        /// <summary>
        /// KG0001 with the computed shape (and the code fix that writes it) when that shape can exist; KG0011 when its
        /// buffer could not (more than int.MaxValue elements: no span holds it, and the fix would write a shape that fails).
        /// </summary>
        /// <param name="arithmetic">How each axis was computed, for the message.</param>
        public static DiagnosticInfo Mismatch(ParsedKernel kernel, IReadOnlyList<long> computedShape, string arithmetic)
        {
            System.Numerics.BigInteger count = ShapeText.ExactProduct(computedShape);
            KernelSignature signature = kernel.Signature;
            if (count > int.MaxValue)
            {
                return DiagnosticInfo.Create(DiagnosticDescriptors.ShapeTooLarge, kernel.OutputShapeLocation,
                    "output shape computed from the input, " + ShapeText.Format(computedShape) + " (" + arithmetic + "),", signature.MethodName,
                    count.ToString(System.Globalization.CultureInfo.InvariantCulture), DiagnosticDescriptors.SpanLimit);
            }

            return DiagnosticInfo.Create(DiagnosticDescriptors.OutputShapeMismatch, kernel.OutputShapeLocation,
                    ShapeText.Format(signature.OutputShape), signature.MethodName, ShapeText.Format(computedShape), arithmetic)
                .WithProperty(FixProperties.ComputedShape, ShapeText.Join(", ", computedShape));
        }

        /// <summary>
        /// <see cref="Mismatch"/> for an operator that keeps the channels and computes each spatial size
        /// (<paramref name="spatial"/>, with <paramref name="arithmetic"/> per axis): upsampling and the pools.
        /// </summary>
        public static DiagnosticInfo ChannelsKeptMismatch(ParsedKernel kernel, IEnumerable<long> spatial, IEnumerable<string> arithmetic)
        {
            int channels = kernel.Signature.InputShape[0];
            var computedShape = new[] { (long)channels }.Concat(spatial).ToArray();
            return Mismatch(kernel, computedShape, string.Join("; ", new[] { $"C: kept = {Emit.Literals.Int(channels)}" }.Concat(arithmetic)));
        }

        /// <summary>
        /// The rule of the element-wise operators: the output has the input's shape, every dimension kept. True when it
        /// has; else KG0001 (<see cref="Mismatch"/>) with each dimension's "kept" arithmetic.
        /// </summary>
        public static bool KeepsInputShape(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            KernelSignature signature = kernel.Signature;
            if (signature.InputShape.SequenceEqual(signature.OutputShape))
            {
                return true;
            }

            var arithmetic = Enumerable.Range(0, signature.InputShape.Count)
                .Select(axis => $"{(axis == 0 ? "C" : ShapeText.AxisName(signature.SpatialRank, axis - 1))}: kept = {Emit.Literals.Int(signature.InputShape[axis])}");
            diagnostics.Add(Mismatch(kernel, signature.InputShape.Select(d => (long)d).ToArray(), string.Join("; ", arithmetic)));
            return false;
        }
    }
}
