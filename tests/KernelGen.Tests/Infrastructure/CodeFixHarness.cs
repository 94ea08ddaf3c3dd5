using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace KernelGen.Tests.Infrastructure;

/// <summary>
/// Applies a code fix as the IDE does: the source as a document of an <see cref="AdhocWorkspace"/> project, the fix's
/// actions registered for a diagnostic, and the first one's changed solution read back as text. The smallest honest
/// stand-in for Microsoft.CodeAnalysis.Testing, which this registry does not serve.
/// </summary>
public static class CodeFixHarness
{
    /// <summary>The titles of the actions <paramref name="fix"/> offers for <paramref name="diagnostic"/>, and the text after the first.</summary>
    public static (IReadOnlyList<string> Titles, string? Fixed) Apply(string source, Diagnostic diagnostic, CodeFixProvider fix)
    {
        Assert.Contains(diagnostic.Id, fix.FixableDiagnosticIds);
        using var workspace = new AdhocWorkspace();
        ProjectInfo project = ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "User", "User", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.CreateCompilation().References);
        workspace.AddProject(project);
        // The same path as the tree the diagnostic was found in (GeneratorHarness names its first source User0.cs).
        Document document = workspace.AddDocument(DocumentInfo.Create(DocumentId.CreateNewId(project.Id), "User0.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(source), VersionStamp.Default)), filePath: "User0.cs"));

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        fix.RegisterCodeFixesAsync(context).GetAwaiter().GetResult();
        if (actions.Count == 0)
        {
            return ([], null);
        }

        var operations = actions[0].GetOperationsAsync(CancellationToken.None).GetAwaiter().GetResult();
        Solution changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        string text = changed.GetDocument(document.Id)!.GetTextAsync().GetAwaiter().GetResult().ToString();
        return (actions.Select(a => a.Title).ToArray(), text);
    }
}
