namespace KernelGen.Generator.Emit
{
    /// <summary>Fragments of generated C# that several emitters share.</summary>
    internal static class Code
    {
        public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
        public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";

        /// <summary><c>ref float inputStart = ref MemoryMarshal.GetReference(input);</c>: indexing without bounds checks once lengths are checked.</summary>
        public static string StartRef(string element, string span) => $"ref {element} {span}Start = ref {MemoryMarshal}.GetReference({span});";

        /// <summary><c>Unsafe.Add(ref start, offset)</c>.</summary>
        public static string At(string reference, string offset) => $"{Unsafe}.Add(ref {reference}, {offset})";

        /// <summary><c>variable * scale + shift</c>, written as simply as the constants allow.</summary>
        public static string Affine(string variable, int scale, int shift)
        {
            string scaled = scale == 1 ? variable : $"{variable} * {scale}";
            return shift == 0 ? scaled : shift > 0 ? $"{scaled} + {shift}" : $"{scaled} - {-shift}";
        }

        /// <summary>
        /// A copy of <paramref name="count"/> elements between two references, of constant size, which the JIT turns
        /// into a few vector moves.
        /// </summary>
        public static string CopyElements(string element, string target, string source, int count) =>
            $"{Unsafe}.CopyBlockUnaligned(ref {Unsafe}.As<{element}, byte>(ref {target}), ref {Unsafe}.As<{element}, byte>(ref {source}), {count} * sizeof({element}));";

        /// <summary><c>a * b</c> for the constants that are 1 left out.</summary>
        public static string Times(string variable, int factor) => factor == 1 ? variable : $"{variable} * {factor}";
    }
}
