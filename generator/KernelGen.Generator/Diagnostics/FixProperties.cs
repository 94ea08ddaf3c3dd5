namespace KernelGen.Generator.Diagnostics
{
    /// <summary>
    /// The keys of the data a diagnostic carries for its code fix (in <c>Diagnostic.Properties</c>): the fix then
    /// applies what the generator or the analyzer computed, and never works a shape out again.
    /// </summary>
    internal static class FixProperties
    {
        /// <summary>KG0001: the computed output shape, as the arguments of <c>[Shape]</c>: <c>1, 5, 5</c>.</summary>
        public const string ComputedShape = "KernelGen.ComputedShape";

        /// <summary>KG0008: the modifiers the method lacks, in the order C# wants them: <c>static partial</c>.</summary>
        public const string MissingModifiers = "KernelGen.MissingModifiers";

        /// <summary>KG0019: the expression that sizes the buffer, <c>Layers.UpLengths.Output</c>; the diagnostic's first
        /// additional location is the size it replaces.</summary>
        public const string Replacement = "KernelGen.Replacement";
    }
}
