using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace KernelGen.CodeFixes
{
    /// <summary>One edit of one document per diagnostic, as each KernelGen fix is.</summary>
    /// <param name="Key">What makes two fixes the same kind for "fix all": the provider's name and this key.</param>
    public sealed record DocumentEdit(string Title, SyntaxNode NewRoot, string Key = "");

    /// <summary>
    /// What every KernelGen code fix shares: the document's syntax root, one action per diagnostic it can fix, and
    /// "fix all" in a batch. A fix says only how it edits the root, from the data its diagnostic carries.
    /// </summary>
    public abstract class DiagnosticFix : CodeFixProvider
    {
        public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (Edit(root, diagnostic) is { } edit)
                {
                    Document changed = context.Document.WithSyntaxRoot(edit.NewRoot);
                    context.RegisterCodeFix(CodeAction.Create(edit.Title, _ => Task.FromResult(changed), equivalenceKey: GetType().Name + edit.Key), diagnostic);
                }
            }
        }

        /// <summary>The edit for <paramref name="diagnostic"/>, or null when this one has none to offer.</summary>
        protected abstract DocumentEdit? Edit(SyntaxNode root, Diagnostic diagnostic);
    }
}
