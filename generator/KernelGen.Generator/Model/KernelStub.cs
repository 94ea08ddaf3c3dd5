namespace KernelGen.Generator.Model
{
    /// <summary>
    /// The implementing part written for a partial method KernelGen reported an error on: without one, the compiler
    /// adds its own error (CS8795, "must have an implementation part") that suggests the wrong fix. The stub throws,
    /// and the KernelGen error keeps the build from ever running it.
    /// </summary>
    /// <param name="Declaration">The method's signature as the implementing part must repeat it, fully qualified.</param>
    /// <param name="Errors">The IDs of the errors reported, for the exception's message.</param>
    internal sealed record KernelStub(string HintName, TypeHierarchy Containing, string Declaration, string Errors);
}
