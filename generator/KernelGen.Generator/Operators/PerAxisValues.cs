using System.Collections.Generic;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// One operator parameter resolved to a value per spatial axis, from its scalar form (<c>stride: 2</c>) or its
    /// per-axis form (<c>Strides = new[] { 2, 1 }</c>), remembering which argument to blame in a diagnostic.
    /// </summary>
    internal sealed class PerAxisValues<T>
    {
        private PerAxisValues(T[] values, string argumentName, string description)
        {
            Values = values;
            ArgumentName = argumentName;
            Description = description;
        }

        public T[] Values { get; }

        /// <summary>The attribute argument the values came from.</summary>
        public string ArgumentName { get; }

        /// <summary>What the values are, for messages: <c>Stride</c>.</summary>
        public string Description { get; }

        public T this[int axis] => Values[axis];

        /// <summary>Null, with diagnostic KG0012, when the per-axis form has the wrong number of values.</summary>
        public static PerAxisValues<T>? Read(AttributeArguments arguments, string scalarName, string arrayName, string description,
            T scalar, int rank, List<DiagnosticInfo> diagnostics)
        {
            if (arguments.GetArray<T>(arrayName) is { } array)
            {
                if (array.Length != rank)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PerAxisCountMismatch, arguments.LocationOf(arrayName), arrayName, array.Length, rank));
                    return null;
                }

                return new PerAxisValues<T>(array, arrayName, description);
            }

            var values = new T[rank];
            for (int i = 0; i < rank; i++)
            {
                values[i] = scalar;
            }

            return new PerAxisValues<T>(values, scalarName, description);
        }
    }
}
