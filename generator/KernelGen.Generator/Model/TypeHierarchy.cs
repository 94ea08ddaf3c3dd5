namespace KernelGen.Generator.Model
{
    /// <summary>One containing type of a kernel method, as the generated code must reopen it.</summary>
    /// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
    /// <param name="Name">The type's name as an identifier (escaped when it is a keyword), such as <c>Decoder</c> or <c>@event</c>.</param>
    /// <param name="TypeParameters">The type parameter list as the partial declaration must repeat it, from the symbol:
    /// names and variance, never attributes or comments; empty for a non-generic type.</param>
    internal sealed record ContainingType(string Keyword, string Name, string TypeParameters)
    {
        /// <summary><c>partial class Layers&lt;T&gt;</c>.</summary>
        public string Declaration => $"partial {Keyword} {Name}{TypeParameters}";
    }

    /// <summary>The namespace (as an escaped, dotted identifier) and the chain of containing types, outermost first.</summary>
    internal sealed record TypeHierarchy(string? Namespace, EquatableArray<ContainingType> Types)
    {
        /// <summary>The dotted name used in comments, such as <c>Demo.Decoder</c>.</summary>
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
                    parts.Add(type.Name + type.TypeParameters);
                }

                return string.Join(".", parts);
            }
        }
    }
}
