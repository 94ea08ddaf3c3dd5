using System;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// Fragments of generated C# that several emitters share, among them every access to a buffer's memory. The
    /// default form reads and writes through references (<c>Unsafe.Add</c>, <c>LoadUnsafe</c>) after the up-front length
    /// checks; the checked form (<see cref="CheckedAccess"/>, the MSBuild property <c>KernelGenCheckedAccess</c>) writes
    /// the same code over spans, so that every element and vector access is bounds-checked and an emitter bug throws
    /// instead of touching memory outside a buffer. Emitters never write a raw reference themselves.
    /// </summary>
    internal static class Code
    {
        public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
        public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";

        [ThreadStatic]
        private static bool s_checked;

        /// <summary>True while a file is written in the checked form. One file is written synchronously on one thread.</summary>
        public static bool IsChecked => s_checked;

        /// <summary>Writes in the checked form (or not) until disposed.</summary>
        public static IDisposable CheckedAccess(bool isChecked)
        {
            bool saved = s_checked;
            s_checked = isChecked;
            return new Restore(() => s_checked = saved);
        }

        /// <summary><c>ref float inputStart = ref MemoryMarshal.GetReference(input);</c>: indexing without bounds checks once lengths are checked.</summary>
        public static string StartRef(string element, string span) =>
            s_checked ? $"var {span}Start = {span};" : $"ref {element} {span}Start = ref {MemoryMarshal}.GetReference({span});";

        /// <summary>The start of a constant table, as a reference (or, checked, as a span).</summary>
        public static string TableRef(string element, string name, string table) =>
            s_checked ? $"var {name} = new global::System.ReadOnlySpan<{element}>({table});" : $"ref {element} {name} = ref {MemoryMarshal}.GetArrayDataReference({table});";

        /// <summary><c>Unsafe.Add(ref start, offset)</c>: one element, readable and (for the output) writable.</summary>
        public static string At(string reference, string offset) => s_checked ? $"{reference}[{offset}]" : $"{Unsafe}.Add(ref {reference}, {offset})";

        /// <summary>The element a derived reference points at: the reference itself, or (checked) the span's first element.</summary>
        public static string Deref(string reference) => s_checked ? $"{reference}[0]" : reference;

        /// <summary><c>ref float name = ref Unsafe.Add(ref reference, offset);</c>: a reference further into a buffer.</summary>
        public static string Derive(string element, string name, string reference, string offset) =>
            s_checked ? $"var {name} = {reference}.Slice({offset});" : $"ref {element} {name} = ref {At(reference, offset)};";

        /// <summary><c>ref float name = ref reference;</c>: a reference that a loop then moves on (<see cref="Step"/>).</summary>
        public static string Cursor(string element, string name, string reference) =>
            s_checked ? $"var {name} = {reference};" : $"ref {element} {name} = ref {reference};";

        /// <summary><c>name = ref Unsafe.Add(ref name, offset);</c>: a reference moved on.</summary>
        public static string Step(string name, string offset) =>
            s_checked ? $"{name} = {name}.Slice({offset});" : $"{name} = ref {At(name, offset)};";

        /// <summary><c>variable * scale + shift</c>, written as simply as the constants allow.</summary>
        public static string Affine(string variable, int scale, int shift)
        {
            string scaled = scale == 1 ? variable : $"{variable} * {scale}";
            return shift == 0 ? scaled : shift > 0 ? $"{scaled} + {shift}" : $"{scaled} - {-shift}";
        }

        /// <summary>
        /// A copy of <paramref name="count"/> elements between two places of constant size, which the JIT turns into a
        /// few vector moves. A copy of more bytes than an int holds (a row of 2^29 floats) copies spans instead: a byte
        /// count past int.MaxValue would be a constant that overflows (CS0220), and CopyBlock takes at most 4 GB.
        /// </summary>
        public static string CopyElements(string element, string target, string targetOffset, string source, string sourceOffset, int count)
        {
            if (s_checked)
            {
                return $"{source}.Slice({sourceOffset}, {count}).CopyTo({target}.Slice({targetOffset}, {count}));";
            }

            int elementBytes = element == "float" ? sizeof(float) : sizeof(double);
            if ((long)count * elementBytes > int.MaxValue)
            {
                const string marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
                return $"{marshal}.CreateReadOnlySpan(ref {At(source, sourceOffset)}, {count}).CopyTo({marshal}.CreateSpan(ref {At(target, targetOffset)}, {count}));";
            }

            return $"{Unsafe}.CopyBlockUnaligned(ref {Unsafe}.As<{element}, byte>(ref {At(target, targetOffset)}), ref {Unsafe}.As<{element}, byte>(ref {At(source, sourceOffset)}), {count} * sizeof({element}));";
        }

        /// <summary>
        /// Written before every generated method that loops, so that it is compiled fully optimized at its first call.
        /// Under tiered compilation a method with loops starts as unoptimized code that jumps into optimized code at one
        /// hot loop (on-stack replacement) and is recompiled only after about 30 calls and a delay; a kernel with several
        /// loop nests ran its others unoptimized all that time (measured: a Conv1d 80->512 over 200 positions took 20 ms per
        /// call for its first 60-80 calls, 1.06 ms after). A kernel gains nothing from tiering's profile: its sizes are
        /// constants already.
        /// </summary>
        /// <param name="guarded">
        /// True outside <c>#if NET9_0_OR_GREATER</c>: the option exists from .NET Core 3.0 on, and the generated code
        /// also compiles for .NET Standard 2.0 and .NET Framework.
        /// </param>
        public static void WriteOptimizedAttribute(IndentedWriter writer, bool guarded)
        {
            const string attribute = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";
            if (!guarded)
            {
                writer.WriteLine(attribute);
                return;
            }

            writer.WriteLine("#if NETCOREAPP3_0_OR_GREATER");
            writer.WriteLine(attribute);
            writer.WriteLine("#endif");
        }

        /// <summary><c>a * b</c> for the constants that are 1 left out.</summary>
        public static string Times(string variable, int factor) => factor == 1 ? variable : $"{variable} * {factor}";

        /// <summary>Undoes a setting of the writing thread's (checked access here, the split thresholds in <see cref="ParallelParts"/>) when disposed.</summary>
        internal sealed class Restore : IDisposable
        {
            private readonly Action _undo;

            public Restore(Action undo) => _undo = undo;

            public void Dispose() => _undo();
        }
    }
}
