namespace KernelGen.Generator.Model
{
    /// <summary>The floating-point type of every buffer of a kernel.</summary>
    internal enum ElementType
    {
        Float,
        Double,
    }

    /// <summary>
    /// What the generated implementation must repeat of the user's partial method, and the shapes it declares.
    /// </summary>
    /// <param name="Modifiers">The method's modifiers as written, such as <c>public static partial</c>.</param>
    /// <param name="BatchParameter">The leading <c>int</c> parameter that counts samples, when the method has one.</param>
    internal sealed record KernelSignature(
        TypeHierarchy Containing,
        string MethodName,
        string Modifiers,
        ElementType ElementType,
        string? BatchParameter,
        string InputParameter,
        string? WeightParameter,
        string? BiasParameter,
        string OutputParameter,
        EquatableArray<int> InputShape,
        EquatableArray<int> OutputShape)
    {
        public string ElementKeyword => ElementType == ElementType.Float ? "float" : "double";

        public int SpatialRank => InputShape.Count - 1;

        public string HintName => $"{Containing.QualifiedName}.{MethodName}.g.cs"
            .Replace('<', '{').Replace('>', '}').Replace(", ", ",");
    }
}
