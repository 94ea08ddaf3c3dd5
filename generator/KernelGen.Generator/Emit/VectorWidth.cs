using System;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// One hardware vector width the generated code can use. Each vectorized kernel gets a method per width and a
    /// dispatch on <c>IsHardwareAccelerated</c>, which the JIT folds to a constant, so only one path is ever compiled
    /// into machine code; without any width, the scalar loops run.
    /// </summary>
    /// <remarks>
    /// Vector128 is the width of every ARM64 machine (NEON), of a NativeAOT binary published for the default
    /// instruction set (x86-64-v2: SSE4.2, no AVX, no FMA) and of x86 hosts without AVX2; the emitters are written once
    /// over this class, so each width costs generated source, not generator code.
    /// </remarks>
    internal sealed class VectorWidth
    {
        /// <summary>AVX-512, so 32 vector registers and fused multiply-adds.</summary>
        public static readonly VectorWidth Vector512 = new("Vector512", 64, registers: 32, alwaysFused: true);

        /// <summary>AVX2: 16 vector registers and, with it on every x86 CPU .NET runs on, fused multiply-adds.</summary>
        public static readonly VectorWidth Vector256 = new("Vector256", 32, registers: 16, alwaysFused: true);

        /// <summary>SSE or AVX on x86 (16 registers, perhaps no FMA), NEON on ARM64 (32, fused): the fewer is assumed.</summary>
        public static readonly VectorWidth Vector128 = new("Vector128", 16, registers: 16, alwaysFused: false);

        /// <summary>Every width, widest first: the dispatch's default order.</summary>
        public static readonly VectorWidth[] All = { Vector512, Vector256, Vector128 };

        private VectorWidth(string name, int bytes, int registers, bool alwaysFused)
        {
            Name = name;
            Bytes = bytes;
            Registers = registers;
            // A tile's accumulators share the registers with a few loaded vectors and a broadcast, and an unfused
            // multiply-add holds its product in one more: at 16 registers, 12 accumulators with FMA, 8 without.
            TileAccumulators = registers >= 32 ? 16 : alwaysFused ? 12 : 8;
            BroadcastMayShuffle = !alwaysFused;
        }

        /// <summary>
        /// True when a broadcast from memory may cost a shuffle besides its load: <c>Vector128.Create(value)</c> on x86
        /// without AVX2 is <c>movss</c> then a shuffle, which takes a port the multiplies and adds need.
        /// </summary>
        public bool BroadcastMayShuffle { get; }

        /// <summary><c>Vector512</c>, <c>Vector256</c> or <c>Vector128</c>.</summary>
        public string Name { get; }

        public int Bytes { get; }

        /// <summary>The vector registers a machine that accelerates this width is sure to have, for tile sizes.</summary>
        public int Registers { get; }

        /// <summary>
        /// The accumulators a register tile of a matrix-product-like loop can hold without spilling on every machine
        /// that accelerates this width.
        /// </summary>
        public int TileAccumulators { get; }

        public string Type => "global::System.Runtime.Intrinsics." + Name;

        public int Lanes(ElementType element) => Bytes / element.Bytes();

        /// <summary>
        /// Writes the dispatch to <c>{method}_{width}</c>. The vector multiply-add arrived in .NET 9: older targets keep
        /// the scalar path, so the generated code compiles for every target framework.
        /// </summary>
        /// <param name="widths">The widths that have a method, in the order to try them; all, widest first, by default.</param>
        /// <param name="condition">A run-time condition each width's path also needs, or null (for all or for one width).</param>
        /// <param name="after">A statement to run after a width's method (an activation's vector pass), or null.</param>
        /// <param name="verify">
        /// A condition the result must meet, checked after the method (and <paramref name="after"/>), or null: when it
        /// fails, no narrower width is tried and the code after the dispatch (the scalar path) computes the output again.
        /// </param>
        public static void WriteDispatch(IndentedWriter writer, string method, string arguments, VectorWidth[]? widths = null, Func<VectorWidth, string?>? condition = null,
            Func<VectorWidth, string?>? after = null, Func<VectorWidth, string?>? verify = null) =>
            WriteDispatch(writer, method, _ => arguments, widths, condition, after, verify);

        /// <summary>The dispatch of a weighted layer's vector forms: each width's arguments and its epilogue's pass (<see cref="Epilogue"/>).</summary>
        public static void WriteDispatch(IndentedWriter writer, string method, string arguments, Func<VectorWidth, Epilogue> epilogue, VectorWidth[]? widths = null,
            Func<VectorWidth, string?>? condition = null, Func<VectorWidth, string?>? verify = null) =>
            WriteDispatch(writer, method, width => arguments + epilogue(width).Argument, widths, condition, width => epilogue(width).Pass, verify);

        private static void WriteDispatch(IndentedWriter writer, string method, Func<VectorWidth, string> arguments, VectorWidth[]? widths, Func<VectorWidth, string?>? condition,
            Func<VectorWidth, string?>? after, Func<VectorWidth, string?>? verify)
        {
            widths ??= All;
            if (widths.Length == 0)
            {
                return;
            }

            writer.WriteLine("#if NET9_0_OR_GREATER");
            bool first = true;
            foreach (VectorWidth width in widths)
            {
                string? also = condition?.Invoke(width);
                string keyword = first || verify is null ? "if" : "else if";
                first = false;
                using (writer.Block($"{keyword} ({width.Type}.IsHardwareAccelerated{(also is null ? string.Empty : " && " + also)})"))
                {
                    writer.WriteLine($"{method}_{width.Name}({arguments(width)});");
                    if (after?.Invoke(width) is { } statement)
                    {
                        writer.WriteLine(statement);
                    }

                    writer.WriteLine(verify?.Invoke(width) is { } check ? $"if ({check}) return;" : "return;");
                }
            }

            writer.WriteLine("#endif");
            writer.WriteLine();
        }

        /// <summary>
        /// Opens <c>private static void {method}_{width}(parameters)</c> inside <c>#if NET9_0_OR_GREATER</c>, with its
        /// summary; disposing the scope closes both.
        /// </summary>
        public IndentedWriter.Scope BeginMethod(IndentedWriter writer, string method, string parameters, string summary) =>
            BeginNamedMethod(writer, $"{method}_{Name}", parameters, summary);

        /// <summary>As <see cref="BeginMethod"/>, for a method named <paramref name="name"/> exactly (a width's helper, <c>{method}_{width}_Units</c>).</summary>
        public static IndentedWriter.Scope BeginNamedMethod(IndentedWriter writer, string name, string parameters, string summary)
        {
            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            writer.WriteLine($"/// <summary>{summary}</summary>");
            Code.WriteOptimizedAttribute(writer, guarded: false);
            return writer.Block($"private static void {name}({parameters})", after: "#endif");
        }

        /// <summary><c>Vector512.LoadUnsafe(ref start, (nuint)(offset))</c>; checked, a load from a slice of one vector (<see cref="WriteCheckedAccess"/>).</summary>
        public string Load(string reference, string offset) =>
            Code.IsChecked ? $"{CheckedAccessClass}.Load{Bytes * 8}({reference}, {offset})"
            : offset == "0" ? $"{Type}.LoadUnsafe(ref {reference})" : $"{Type}.LoadUnsafe(ref {reference}, (nuint)({offset}))";

        /// <summary><c>Vector512.StoreUnsafe(value, ref start, (nuint)(offset))</c>, in the static form: the generated file has no usings.</summary>
        public string Store(string value, string reference, string offset) =>
            Code.IsChecked ? $"{CheckedAccessClass}.Store{Bytes * 8}({value}, {reference}, {offset});" : $"{Type}.StoreUnsafe({value}, ref {reference}, (nuint)({offset}));";

        private const string CheckedAccessClass = "CheckedAccess";

        /// <summary>
        /// Stores the first <paramref name="count"/> lanes of <paramref name="value"/> (fewer than a vector) from
        /// registers: its lower half when that many remain, then the next quarter of the rest, and so on down to 128 bits,
        /// then lane by lane. A whole vector stored to the stack and copied out from there makes every copy wait for the
        /// store (measured: a 3x3 stride-2 layer 1->16 with rows of 14, Vector512 lanes of 16, on a Zen 4:
        /// 2.1 us through the stack).
        /// </summary>
        public void WriteStoreFirst(IndentedWriter writer, string value, int count, ElementType element, string reference, string offset)
        {
            if (Code.IsChecked)
            {
                writer.WriteLine($"{CheckedAccessClass}.StoreFirst{Bytes * 8}({value}, {Literals.Int(count)}, {reference}, {offset});");
                return;
            }

            int elementBytes = element.Bytes();
            string vector = value, type = Type;
            int size = Lanes(element), position = 0, left = count;
            string At(int at) => at == 0 ? offset : $"{offset} + {Literals.Int(at)}";
            using (writer.Block())
            {
                while (left > 0 && size * elementBytes > 16)
                {
                    int half = size / 2, halfBits = half * elementBytes * 8;
                    string halfType = $"global::System.Runtime.Intrinsics.Vector{halfBits}";
                    bool storeLower = left >= half;
                    if (storeLower)
                    {
                        writer.WriteLine($"{halfType}.StoreUnsafe({type}.GetLower({vector}), ref {reference}, (nuint)({At(position)}));");
                        position += half;
                        left -= half;
                    }

                    if (left > 0)
                    {
                        writer.WriteLine($"var rest{halfBits} = {type}.{(storeLower ? "GetUpper" : "GetLower")}({vector});");
                        vector = $"rest{halfBits}";
                    }

                    type = halfType;
                    size = half;
                }

                for (int lane = 0; lane < left; lane++)
                {
                    writer.WriteLine($"{Code.At(reference, At(position + lane))} = {vector}[{Literals.Int(lane)}];");
                }
            }
        }

        /// <summary>
        /// The checked form's vector access: each load and store goes through a slice of exactly one vector, so one
        /// that would reach past a buffer throws <c>ArgumentOutOfRangeException</c>. Written for the kernel's element
        /// type, not generic: a type parameter of its own could clash with one of the user's containing types.
        /// </summary>
        /// <param name="types">The element type, and the shuffle-index type some forms load as vectors too.</param>
        public static void WriteCheckedAccess(IndentedWriter writer, params string[] types)
        {
            writer.WriteLine();
            writer.WriteLine("#if NET8_0_OR_GREATER");
            writer.WriteLine("/// <summary>Checked access (KernelGenCheckedAccess): every vector load and store is bounds-checked.</summary>");
            using (writer.Block($"private static class {CheckedAccessClass}", after: "#endif"))
            {
                foreach (VectorWidth width in All)
                foreach (string element in types)
                {
                    string vector = $"{width.Type}<{element}>", bits = $"{width.Bytes * 8}";
                    writer.WriteLine($"public static {vector} Load{bits}(global::System.ReadOnlySpan<{element}> span, int offset) => {width.Type}.Create(span.Slice(offset, {vector}.Count));");
                    writer.WriteLine($"public static {vector} Load{bits}(global::System.Span<{element}> span, int offset) => {width.Type}.Create((global::System.ReadOnlySpan<{element}>)span.Slice(offset, {vector}.Count));");
                    writer.WriteLine($"public static void Store{bits}({vector} value, global::System.Span<{element}> span, int offset) => {width.Type}.CopyTo(value, span.Slice(offset, {vector}.Count));");
                    // The lanes one by one, each bounds-checked: the same elements the unchecked stores write.
                    Code.WriteOptimizedAttribute(writer, guarded: false);
                    writer.WriteLine($"public static void StoreFirst{bits}({vector} value, int count, global::System.Span<{element}> span, int offset) {{ for (int i = 0; i < count; i++) span[offset + i] = value[i]; }}");
                }
            }
        }

        public string Broadcast(string value) => $"{Type}.Create({value})";

        /// <summary>A constant mask for <c>ConditionalSelect</c>: all bits set in the lanes <paramref name="selected"/> marks, none elsewhere.</summary>
        public string LaneMask(System.Collections.Generic.IEnumerable<bool> selected, ElementType element)
        {
            string suffix = element == ElementType.Float ? string.Empty : "L", reinterpret = element == ElementType.Float ? "AsSingle" : "AsDouble";
            return $"{Type}.{reinterpret}({Type}.Create({string.Join(", ", selected.Select(lane => (lane ? "-1" : "0") + suffix))}))";
        }

        /// <summary>
        /// <c>Vector128.Shuffle(value, Vector128.Create(indices))</c>, the indices written at the call: a shuffle is one
        /// instruction only while the compiler sees its indices as a constant, and NativeAOT does not see through a
        /// local declared outside the loops (measured: nearest x2 with Vector128, 15 times slower).
        /// </summary>
        public string ConstantShuffle(string value, System.Collections.Generic.IEnumerable<int> indices, ElementType element)
        {
            string suffix = element == ElementType.Float ? string.Empty : "L";
            return $"{Type}.Shuffle({value}, {Type}.Create({string.Join(", ", indices.Select(i => Literals.Int(i) + suffix))}))";
        }

        /// <summary>
        /// Null when every machine that accelerates this width shuffles by variable indices in one instruction
        /// (AVX2, AVX-512); for Vector128 the hardware that does: AVX, ARM64 (TBL), WebAssembly. Without AVX, as in a
        /// NativeAOT binary for x86-64-v2, such a shuffle is emulated lane by lane and slower than the scalar loops.
        /// </summary>
        public string? VariableShuffleCondition => Bytes > 16 ? null
            : "(global::System.Runtime.Intrinsics.X86.Avx.IsSupported || global::System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported || global::System.Runtime.Intrinsics.Wasm.PackedSimd.IsSupported)";

        /// <summary>The integer type of shuffle indices for the element type: <c>int</c> for float, <c>long</c> for double.</summary>
        public static string IndexType(ElementType element) => element == ElementType.Float ? "int" : "long";

        /// <summary>
        /// <c>a * b + c</c>, fused where the hardware has a fused multiply-add and a multiply then an add where it has
        /// not (x86 without FMA, as a NativeAOT binary for the default instruction set): <c>FusedMultiplyAdd</c> there
        /// is a software emulation, about seven times slower than the two instructions.
        /// </summary>
        public string Fma(string a, string b, string c) => $"{Type}.MultiplyAddEstimate({a}, {b}, {c})";
    }
}
