namespace KernelGen.Generator.Model
{
    /// <summary>What the project asks of every generated file, beside each kernel's own plan.</summary>
    /// <param name="CheckedAccess">The MSBuild property <c>KernelGenCheckedAccess</c>: every buffer access bounds-checked.</param>
    /// <param name="HasUnsafe">
    /// The target framework has <c>System.Runtime.CompilerServices.Unsafe</c> (.NET Core 3.0 and later, or the package).
    /// Without it (netstandard2.1, for one) the kernels are written in the span form, which needs only spans.
    /// </param>
    /// <param name="DiagnosticsPage">The MSBuild property <c>KernelGenDiagnosticsPage</c>: where the help links lead.</param>
    /// <param name="GeneratedFilesKept">The MSBuild property <c>EmitCompilerGeneratedFiles</c>: the generated files are
    /// written under obj/, so the file and line a stack trace names in a kernel exist; otherwise the argument
    /// exceptions say how to keep them.</param>
    /// <param name="SplitAll">The MSBuild property <c>KernelGenSplitAll</c>: every form with two units or more is split
    /// across the workers, however small (for testing the split forms on small layers).</param>
    internal sealed record EmitOptions(bool CheckedAccess, bool HasUnsafe, string? DiagnosticsPage = null, bool GeneratedFilesKept = false, bool SplitAll = false)
    {
        /// <summary>Every access through spans: asked for, or the only form the target can compile.</summary>
        public bool SpanAccess => CheckedAccess || !HasUnsafe;
    }
}
