namespace KernelGen.Generator.Model
{
    /// <summary>One containing type of a kernel method, as the generated code must reopen it.</summary>
    /// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
    /// <param name="Name">The type's name with its type parameter list, such as <c>Decoder</c> or <c>Layers&lt;T&gt;</c>.</param>
    internal sealed record ContainingType(string Keyword, string Name);

    /// <summary>The namespace and the chain of containing types, outermost first.</summary>
    internal sealed record TypeHierarchy(string? Namespace, EquatableArray<ContainingType> Types)
    {
        /// <summary>The dotted name used for hint names and comments, such as <c>Demo.Decoder</c>.</summary>
        public string QualifiedName
        {
            get
            {
                var parts = new System.Collections.Generic.List<string>();
                if (!string.IsNullOrEmpty(Namespace))
                {
                    parts.Add(Namespace!);
                }

                foreach (ContainingType type in Types)
                {
                    parts.Add(type.Name);
                }

                return string.Join(".", parts);
            }
        }
    }
}
