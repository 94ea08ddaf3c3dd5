namespace KernelGen.Generator.Model
{
    /// <summary>The floating-point type of every buffer of a kernel.</summary>
    internal enum ElementType
    {
        Float,
        Double,
    }

    internal static class ElementTypes
    {
        /// <summary>The bytes of one element: 4 for float, 8 for double.</summary>
        public static int Bytes(this ElementType type) => type == ElementType.Float ? sizeof(float) : sizeof(double);
    }

    /// <summary>
    /// What the generated implementation must repeat of the user's partial method, and the shapes it declares.
    /// </summary>
    /// <param name="MethodName">The method's name, without the <c>@</c> of an escaped keyword: the prefix of every generated member.</param>
    /// <param name="HintName">The generated file's name, from the symbol (see <c>HintNames</c>).</param>
    /// <param name="Modifiers">The method's modifiers as written, such as <c>public static partial</c>.</param>
    /// <param name="ParameterModifiers">Per parameter, in order, what the implementation must repeat before its type:
    /// <c>this </c>, <c>params </c>, <c>scoped </c> (in the order C# requires) or nothing.</param>
    /// <param name="BatchParameter">The leading <c>int</c> parameter that counts samples, when the method has one.
    /// Parameter names are identifiers as C# needs them: <c>@in</c> for a keyword.</param>
    internal sealed record KernelSignature(
        TypeHierarchy Containing,
        string MethodName,
        string HintName,
        string Modifiers,
        EquatableArray<string> ParameterModifiers,
        ElementType ElementType,
        string? BatchParameter,
        string InputParameter,
        string? WeightParameter,
        string? BiasParameter,
        string OutputParameter,
        EquatableArray<int> InputShape,
        EquatableArray<int> OutputShape)
    {
        /// <summary>The second operand of an element-wise operator (<c>[Add]</c>, <c>[Mul]</c>), with its own shape; null for every other operator.</summary>
        public string? OtherParameter { get; init; }

        /// <summary>The second operand's declared shape: the input's rank, each dimension the input's or 1 (broadcast). Empty without one.</summary>
        public EquatableArray<int> OtherShape { get; init; } = EquatableArray<int>.Empty;

        /// <summary>PReLU's learned slopes, a span parameter of their own before the output; null for every other activation.</summary>
        public string? SlopeParameter { get; init; }

        /// <summary>The slopes' shape: <c>[C]</c>, one per output channel, or <c>[1]</c>, one for all. Empty without a slope.</summary>
        public EquatableArray<int> SlopeShape { get; init; } = EquatableArray<int>.Empty;

        /// <summary>The buffer marked <c>[Residual]</c>, of the output's shape, added before the activation; null without one.</summary>
        public string? ResidualParameter { get; init; }

        public string ElementKeyword => ElementType == ElementType.Float ? "float" : "double";

        public int SpatialRank => InputShape.Count - 1;

        /// <summary>The generated class of constants, <c>DeconvLengths</c>: public API, one of two generated names in the user's type.</summary>
        public string LengthsClass => LengthsClassOf(MethodName);

        /// <summary>The generated private class holding the body and every helper: the other generated name in the user's type.</summary>
        public string ImplementationClass => ImplementationClassOf(MethodName);

        public static string LengthsClassOf(string methodName) => methodName + "Lengths";

        public static string ImplementationClassOf(string methodName) => methodName + "Implementation";

        /// <summary>The generated method that folds a following batch normalization into the weight and bias: public API.</summary>
        public string FoldBatchNormMethod => FoldBatchNormMethodOf(MethodName);

        public static string FoldBatchNormMethodOf(string methodName) => methodName + "FoldBatchNorm";

        /// <summary>Every name KernelGen adds to the user's type for the kernel <paramref name="methodName"/>, reserved whether used or not.</summary>
        public static string[] GeneratedNamesOf(string methodName) =>
            new[] { LengthsClassOf(methodName), ImplementationClassOf(methodName), FoldBatchNormMethodOf(methodName) };

        /// <summary>The method's name as an identifier: <c>@class</c> for a keyword.</summary>
        public string MethodIdentifier => Identifiers.Escape(MethodName);
    }
}
