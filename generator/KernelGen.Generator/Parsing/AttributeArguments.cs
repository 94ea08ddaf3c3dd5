using System.Collections.Generic;
using System.Collections.Immutable;
using KernelGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KernelGen.Generator.Parsing
{
    /// <summary>
    /// The values of a kernel attribute's arguments, looked up by name whether they were given to the constructor
    /// (positionally or as <c>k: 3</c>) or as a named property, with the location of each for diagnostics.
    /// </summary>
    internal sealed class AttributeArguments
    {
        private readonly Dictionary<string, TypedConstant> _values = new();
        private readonly Dictionary<string, LocationInfo?> _locations = new();

        private AttributeArguments(LocationInfo? attributeLocation) => AttributeLocation = attributeLocation;

        /// <summary>The whole attribute, where a diagnostic points when no single argument is to blame.</summary>
        public LocationInfo? AttributeLocation { get; }

        /// <summary>The constructor parameters' names, to tell the parameterless constructor from the others.</summary>
        public ImmutableArray<string> ConstructorParameters { get; private set; }

        /// <summary>Reads <paramref name="attribute"/>; null when one of its arguments does not compile (the compiler reports it).</summary>
        public static AttributeArguments? Read(AttributeData attribute, System.Threading.CancellationToken cancellationToken)
        {
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var arguments = new AttributeArguments(LocationInfo.From(syntax));
            IMethodSymbol? constructor = attribute.AttributeConstructor;
            if (constructor is null)
            {
                return null;
            }

            var names = ImmutableArray.CreateBuilder<string>();
            for (int i = 0; i < constructor.Parameters.Length && i < attribute.ConstructorArguments.Length; i++)
            {
                if (attribute.ConstructorArguments[i].Kind == TypedConstantKind.Error)
                {
                    return null;
                }

                string name = constructor.Parameters[i].Name;
                names.Add(name);
                arguments._values[name] = attribute.ConstructorArguments[i];
            }

            arguments.ConstructorParameters = names.ToImmutable();
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Value.Kind == TypedConstantKind.Error)
                {
                    return null;
                }

                arguments._values[named.Key] = named.Value;
            }

            if (syntax?.ArgumentList is { } list)
            {
                for (int i = 0; i < list.Arguments.Count; i++)
                {
                    AttributeArgumentSyntax argument = list.Arguments[i];
                    string? name = argument.NameEquals?.Name.Identifier.ValueText
                        ?? argument.NameColon?.Name.Identifier.ValueText
                        ?? (i < constructor.Parameters.Length ? constructor.Parameters[i].Name : null);
                    if (name is not null)
                    {
                        arguments._locations[name] = LocationInfo.From(argument);
                    }
                }
            }

            return arguments;
        }

        /// <summary>True when the argument was written in the attribute (not only filled in from a default).</summary>
        public bool IsWritten(string name) => _locations.ContainsKey(name);

        /// <summary>The argument's own location when it was written, else the attribute's.</summary>
        public LocationInfo? LocationOf(string name) =>
            _locations.TryGetValue(name, out LocationInfo? location) && location is not null ? location : AttributeLocation;

        public int GetInt(string name, int fallback) =>
            _values.TryGetValue(name, out TypedConstant value) && value.Value is int number ? number : fallback;

        public double GetDouble(string name, double fallback) =>
            _values.TryGetValue(name, out TypedConstant value) && value.Value is not null && value.Kind == TypedConstantKind.Primitive
                ? System.Convert.ToDouble(value.Value, System.Globalization.CultureInfo.InvariantCulture)
                : fallback;

        public bool GetBool(string name, bool fallback) =>
            _values.TryGetValue(name, out TypedConstant value) && value.Value is bool flag ? flag : fallback;

        /// <summary>An enum argument's underlying value.</summary>
        public int GetEnum(string name, int fallback) =>
            _values.TryGetValue(name, out TypedConstant value) && value.Kind == TypedConstantKind.Enum && value.Value is int number ? number : fallback;

        /// <summary>An array argument; null when it was not given or given as <c>null</c>.</summary>
        public T[]? GetArray<T>(string name)
        {
            if (!_values.TryGetValue(name, out TypedConstant value) || value.Kind != TypedConstantKind.Array || value.IsNull)
            {
                return null;
            }

            var items = new T[value.Values.Length];
            for (int i = 0; i < items.Length; i++)
            {
                object? item = value.Values[i].Value;
                items[i] = item is T typed ? typed : default!;
            }

            return items;
        }
    }
}
