namespace KernelGen.Generator.Model
{
    /// <summary>
    /// What KernelGen writes for a kernel declaration it reported an error on, so that its error is the only one: the
    /// implementing part of the method where the compiler demands one (without it, CS8795, which suggests the wrong
    /// fix), and every member a kernel of this declaration would add to the user's type (<c>{M}Lengths</c> with the
    /// best-known sizes, <c>{M}FoldBatchNorm</c> where the kernel has a bias), which the user's code may already use
    /// (without them, CS0117 at every use). Every body throws, and the KernelGen error keeps the build from running one.
    /// </summary>
    /// <param name="MethodName">The method's name, without the <c>@</c> of an escaped keyword: the prefix of each member.</param>
    /// <param name="Modifiers">The method's modifiers as written: the members are as visible as the method.</param>
    /// <param name="Declaration">The method's signature as the implementing part must repeat it, fully qualified; null
    /// when the compiler demands no implementing part or would reject one.</param>
    /// <param name="Errors">The IDs of the errors reported, for the exceptions' messages.</param>
    /// <param name="ElementKeyword"><c>float</c> or <c>double</c>: the declaration's element type, float when it has none.</param>
    /// <param name="Lengths">The constants of <c>{M}Lengths</c>, in parameter order; empty when the user's type already
    /// has a member of that name.</param>
    /// <param name="FoldBatchNorm">Whether to write <c>{M}FoldBatchNorm</c>.</param>
    internal sealed record KernelStub(
        string HintName,
        TypeHierarchy Containing,
        string MethodName,
        string Modifiers,
        string? Declaration,
        string Errors,
        string ElementKeyword,
        EquatableArray<StubLength> Lengths,
        bool FoldBatchNorm);

    /// <summary>One constant of a rejected kernel's lengths class: the buffer's role and its best-known shape, empty when none is known.</summary>
    internal sealed record StubLength(string Role, EquatableArray<int> Shape);
}
