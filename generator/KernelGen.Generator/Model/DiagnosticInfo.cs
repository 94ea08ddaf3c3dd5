using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Model
{
    /// <summary>A diagnostic as data: its descriptor, where it points and the message arguments.</summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] messageArgs)
        {
            var args = new string[messageArgs.Length];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = System.Convert.ToString(messageArgs[i], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }

            return new DiagnosticInfo(descriptor, location, new EquatableArray<string>(args));
        }

        public Diagnostic ToDiagnostic() =>
            Diagnostic.Create(Descriptor, Location?.ToLocation(), MessageArgs.ToArray());
    }
}
