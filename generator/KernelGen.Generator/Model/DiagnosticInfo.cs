using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Model
{
    /// <summary>A diagnostic as data: its descriptor, where it points, the message arguments and what a code fix needs.</summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
    {
        /// <summary>Key and value pairs for the code fix (see <see cref="Diagnostics.FixProperties"/>).</summary>
        public EquatableArray<FixProperty> Properties { get; init; } = EquatableArray<FixProperty>.Empty;

        public DiagnosticInfo WithProperty(string key, string value) =>
            this with { Properties = new EquatableArray<FixProperty>(Properties.Concat(new[] { new FixProperty(key, value) })) };

        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] messageArgs)
        {
            var args = new string[messageArgs.Length];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = System.Convert.ToString(messageArgs[i], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }

            return new DiagnosticInfo(descriptor, location, new EquatableArray<string>(args));
        }

        /// <param name="helpPage">The installed diagnostics page, for the help link (see <see cref="Diagnostics.DiagnosticHelp"/>).</param>
        public Diagnostic ToDiagnostic(string? helpPage) =>
            Diagnostic.Create(Diagnostics.DiagnosticHelp.WithLink(Descriptor, helpPage), Location?.ToLocation(),
                Properties.ToImmutableDictionary(p => p.Key, p => (string?)p.Value), MessageArgs.ToArray());
    }

    internal sealed record FixProperty(string Key, string Value);
}
