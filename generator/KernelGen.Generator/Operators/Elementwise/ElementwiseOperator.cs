using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators.Elementwise
{
    /// <summary>
    /// <c>[Add]</c> and <c>[Mul]</c> (PyTorch's <c>x + y</c> and <c>x * y</c>, the second operand broadcast where its
    /// <c>[Shape]</c> has a 1) and <c>[Affine]</c> (<c>x * s + o</c> by constants), each with the fused activation
    /// applied last, as PyTorch's following <c>F.relu</c> (or other) would. In place allowed.
    /// </summary>
    internal sealed class ElementwiseOperator : KernelOperator
    {
        public static readonly ElementwiseOperator Add = new(ElementwiseKind.Add);

        public static readonly ElementwiseOperator Mul = new(ElementwiseKind.Mul);

        public static readonly ElementwiseOperator Affine = new(ElementwiseKind.Affine);

        private readonly ElementwiseKind _kind;

        private ElementwiseOperator(ElementwiseKind kind) => _kind = kind;

        public override string AttributeName => $"KernelGen.{_kind}Attribute";

        public override bool HasWeight => false;

        public override bool HasOther => _kind != ElementwiseKind.Affine;

        public override bool HasActivation => true;

        public override bool AllowsInPlace => true;

        /// <summary>One addition or multiplication per element: nothing for unrolling to gain over a vector loop.</summary>
        public override bool HasUnrolledForm => false;

        public override string Name(int spatialRank, OperatorSpec spec) => $"{_kind}";

        public override OperatorSpec? Validate(ParsedKernel kernel, List<DiagnosticInfo> diagnostics)
        {
            KernelSignature signature = kernel.Signature;
            var spec = new ElementwiseSpec(_kind, kernel.Attribute.GetDouble("Scale", 1), kernel.Attribute.GetDouble("Offset", 0));
            if (_kind == ElementwiseKind.Affine && !(IsFinite(spec.Scale) && IsFinite(spec.Offset)))
            {
                string name = IsFinite(spec.Scale) ? "Offset" : "Scale";
                double value = name == "Scale" ? spec.Scale : spec.Offset;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, kernel.Attribute.LocationOf(name), name, "a finite number",
                    value.ToString("R", CultureInfo.InvariantCulture)));
                return null;
            }

            // PyTorch's broadcasting at equal ranks: each dimension of the second operand is the input's or 1.
            for (int axis = 0; axis < signature.OtherShape.Count; axis++)
            {
                int other = signature.OtherShape[axis], input = signature.InputShape[axis];
                if (other != input && other != 1)
                {
                    string dimension = axis == 0 ? "C, the channels" : ShapeText.AxisName(signature.SpatialRank, axis - 1);
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidShape, kernel.OtherShapeLocation, Identifiers.Unescape(signature.OtherParameter!),
                        $"has {Literals.Int(other)} for {dimension}, where the input {ShapeText.Format(signature.InputShape)} has {Literals.Int(input)}: each dimension must be the input's or 1, which is broadcast (PyTorch's rule)"));
                    return null;
                }
            }

            return OutputShapes.KeepsInputShape(kernel, diagnostics) ? spec : null;
        }

        private static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);

        public override long MultiplyAdds(KernelSignature signature, OperatorSpec spec) => ShapeText.ElementCount(signature.OutputShape);

        public override IEnumerable<string> Describe(KernelSignature signature, OperatorSpec spec)
        {
            var elementwise = (ElementwiseSpec)spec;
            string activation = spec.Activation.IsNone ? string.Empty : $", then {spec.Activation.Kind}";
            yield return string.Empty;
            if (_kind == ElementwiseKind.Affine)
            {
                yield return $"Every element as {Formula(elementwise, "x")}{activation}, the output the input's shape; the output may be the input's memory exactly (in place).";
                yield break;
            }

            string op = _kind == ElementwiseKind.Add ? "+" : "*";
            bool broadcast = !signature.OtherShape.SequenceEqual(signature.InputShape);
            yield return $"output = input {op} {Identifiers.Unescape(signature.OtherParameter!)}{activation}, element by element; the output may be the input's memory exactly (in place)"
                + (broadcast ? "." : $" or the {Identifiers.Unescape(signature.OtherParameter!)}'s.");
            if (broadcast)
            {
                yield return $"The {Identifiers.Unescape(signature.OtherParameter!)}'s dimensions of 1 are broadcast (PyTorch's rule): {ShapeText.Format(signature.OtherShape)} over {ShapeText.Format(signature.InputShape)}.";
            }
        }

        /// <summary>The affine map as PyTorch's expression: a scale of 1 and an offset of 0 are not applied (so -0 stays -0, as in <c>x * 3</c>).</summary>
        private static string Formula(ElementwiseSpec spec, string x)
        {
            string scaled = spec.Scale == 1 ? x : $"{x} * {spec.Scale.ToString("R", CultureInfo.InvariantCulture)}";
            return spec.Offset == 0 ? scaled : $"{scaled} + {spec.Offset.ToString("R", CultureInfo.InvariantCulture)}";
        }

        public override IEnumerable<UnrolledOutput> Unroll(KernelSignature signature, OperatorSpec spec) =>
            throw new System.InvalidOperationException("An element-wise operator has no unrolled form.");

        public override void WriteLoopedBody(IndentedWriter writer, KernelSignature signature, OperatorSpec spec) =>
            ElementwiseEmitter.WriteLooped(writer, signature, Scalar(signature, (ElementwiseSpec)spec), VectorWidths(signature, spec));

        public override VectorWidth[] VectorWidths(KernelSignature signature, OperatorSpec spec) => ElementwiseEmitter.VectorWidths(signature);

        public override string NoVectorForm => "the innermost run of elements is shorter than a vector";

        public override void WriteMembers(IndentedWriter writer, KernelPlan plan)
        {
            var spec = (ElementwiseSpec)plan.Operator;
            ElementwiseEmitter.WriteVectorMethods(writer, plan, (width, x, other) => Vector(width, plan.Signature.ElementType, spec, x, other), Scalar(plan.Signature, spec));
        }

        /// <summary>One element's value before the activation: each step rounded as PyTorch rounds it (no fused multiply-add).</summary>
        private static System.Func<string, string?, string> Scalar(KernelSignature signature, ElementwiseSpec spec) => (x, other) => spec.Kind switch
        {
            ElementwiseKind.Add => $"{x} + {other}",
            ElementwiseKind.Mul => $"{x} * {other}",
            _ => Constants(spec, x, value => Literals.Real(value, signature.ElementType)),
        };

        private static string Vector(VectorWidth width, ElementType type, ElementwiseSpec spec, string x, string? other) => spec.Kind switch
        {
            ElementwiseKind.Add => $"{x} + {other}",
            ElementwiseKind.Mul => $"{x} * {other}",
            _ => Constants(spec, x, value => width.Broadcast(Literals.Real(value, type))),
        };

        private static string Constants(ElementwiseSpec spec, string x, System.Func<double, string> constant)
        {
            string scaled = spec.Scale == 1 ? x : $"{x} * {constant(spec.Scale)}";
            return spec.Offset == 0 ? scaled : $"{scaled} + {constant(spec.Offset)}";
        }
    }
}
