using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Diagnostics
{
    /// <summary>
    /// Help links: each diagnostic links to its section of docs/diagnostics.md, the copy installed with the package. Its
    /// path is known only in the build (the package's props pass it as the MSBuild property
    /// <see cref="PageProperty"/>), so the descriptors themselves carry no link, and each reported diagnostic gets one
    /// here. Without the property (a project reference to the generator, say) a diagnostic has no link rather than one
    /// that leads nowhere: KernelGen has no published web page.
    /// </summary>
    internal static class DiagnosticHelp
    {
        /// <summary>The MSBuild property holding the full path of the installed diagnostics page.</summary>
        public const string PageProperty = "KernelGenDiagnosticsPage";

        public const string PageOption = "build_property." + PageProperty;

        /// <summary><c>file:///.../docs/diagnostics.md#kg0001</c>, or null without a usable absolute path.</summary>
        public static string? Link(string id, string? page)
        {
            if (string.IsNullOrWhiteSpace(page) || !Uri.TryCreate(page!.Trim(), UriKind.Absolute, out Uri? uri))
            {
                return null;
            }

            return uri.AbsoluteUri + "#" + id.ToLowerInvariant();
        }

        /// <summary>The descriptor with its help link for this build; itself when there is none.</summary>
        public static DiagnosticDescriptor WithLink(DiagnosticDescriptor descriptor, string? page) =>
            Link(descriptor.Id, page) is not { } link
                ? descriptor
                : new DiagnosticDescriptor(descriptor.Id, descriptor.Title, descriptor.MessageFormat, descriptor.Category, descriptor.DefaultSeverity,
                    descriptor.IsEnabledByDefault, descriptor.Description, link, descriptor.CustomTags.ToArray());
    }
}
