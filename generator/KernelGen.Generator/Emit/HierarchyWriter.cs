using System;
using System.Collections.Generic;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>Reopens a kernel's namespace and containing types; disposing the result closes them, innermost first.</summary>
    internal static class HierarchyWriter
    {
        public static IDisposable Open(IndentedWriter writer, TypeHierarchy hierarchy)
        {
            var scopes = new Stack<IndentedWriter.Scope>();
            if (hierarchy.Namespace is { } ns)
            {
                scopes.Push(writer.Block("namespace " + ns));
            }

            foreach (ContainingType type in hierarchy.Types)
            {
                scopes.Push(writer.Block(type.Declaration));
            }

            return new Closer(scopes);
        }

        private sealed class Closer : IDisposable
        {
            private readonly Stack<IndentedWriter.Scope> _scopes;

            public Closer(Stack<IndentedWriter.Scope> scopes) => _scopes = scopes;

            public void Dispose()
            {
                while (_scopes.Count > 0)
                {
                    _scopes.Pop().Dispose();
                }
            }
        }
    }
}
