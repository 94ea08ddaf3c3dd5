using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// The argument checks at the top of every generated method: each span's length against its shape (times the
    /// batch count for input and output), and the output against aliasing. All run before the first write.
    /// </summary>
    internal static class RunTimeChecks
    {
        private const string ArgumentException = "global::System.ArgumentException";

        /// <summary>The constant in the implementation class that ends the messages, where the project does not keep its generated files.</summary>
        private const string SourceHintConstant = "SourceHint";

        /// <summary>
        /// What follows each argument exception's message literal: where the project does not keep its generated files,
        /// the stack trace names a file under obj/ that does not exist, and the message ends by saying how to have it
        /// (<see cref="WriteSourceHint"/>); nothing where they are kept.
        /// </summary>
        public static string SourceHint(KernelSignature signature, EmitOptions options) =>
            options.GeneratedFilesKept ? string.Empty : $" + {signature.ImplementationClass}.{SourceHintConstant}";

        /// <summary>The constant <see cref="SourceHint"/> refers to, in the implementation class.</summary>
        public static void WriteSourceHint(IndentedWriter writer, EmitOptions options)
        {
            if (!options.GeneratedFilesKept)
            {
                writer.WriteLine("/// <summary>The end of every argument exception's message: the file its stack trace names is kept only on request.</summary>");
                writer.WriteLine($"internal const string {SourceHintConstant} = \" The check is in generated code; <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles> in the project keeps its file, under obj/, for the stack trace.\";");
                writer.WriteLine();
            }
        }

        /// <param name="allowsInPlace">The output may be the input's memory exactly (see <c>KernelOperator.AllowsInPlace</c>).</param>
        public static void Write(IndentedWriter writer, KernelSignature signature, List<KernelBuffer> buffers, EmitOptions options, bool allowsInPlace = false)
        {
            string hint = SourceHint(signature, options);
            writer.WriteLine("// Every argument is checked before anything is written: a bad call leaves the output untouched.");
            // Each message starts with the kernel it is about: in a model of many layers, 'bias' alone does not say which.
            string kernel = Kernel(signature);
            string? batch = signature.BatchParameter;
            if (batch is not null)
            {
                writer.WriteLine($"if ({batch} < 0)");
                writer.WriteLine($"    throw new global::System.ArgumentOutOfRangeException({NameOf(batch)}, {batch}, \"{kernel}: the batch count must not be negative.\"{hint});");
            }

            foreach (KernelBuffer buffer in buffers)
            {
                string name = buffer.ParameterName;
                string shape = ShapeText.Format(buffer.Shape);
                if (batch is not null && buffer.PerSample)
                {
                    writer.WriteLine($"if ({name}.Length != (long){batch} * {buffer.Length})");
                    writer.WriteLine($"    throw new {ArgumentException}($\"{kernel}: expected {{{batch}}} * {buffer.Length} = {{(long){batch} * {buffer.Length}}} elements ({{{batch}}} samples of shape {shape}), but the span has {{{name}.Length}}.\"{hint}, {NameOf(name)});");
                }
                else
                {
                    writer.WriteLine($"if ({name}.Length != {buffer.Length})");
                    writer.WriteLine($"    throw new {ArgumentException}($\"{kernel}: expected {buffer.Length} elements (shape {shape}), but the span has {{{name}.Length}}.\"{hint}, {NameOf(name)});");
                }
            }

            KernelBuffer output = buffers[buffers.Count - 1];
            if (allowsInPlace)
            {
                // An element-wise kernel reads each element before it writes it: the very same memory is safe, a shifted
                // overlap would read what it has already written. So is an operand of the output's shape; a broadcast
                // one is read again after outputs it overlaps are written.
                string offset = Identifiers.Unused("offset", buffers.Select(b => b.ParameterName).Append(batch));
                foreach (KernelBuffer operand in buffers.Take(buffers.Count - 1))
                {
                    string what = operand.Role == "other" ? $"second operand '{Identifiers.Unescape(operand.ParameterName)}'" : operand.Role;
                    // The first check declares the offset; it stays in scope for the next ones.
                    string declared = ReferenceEquals(operand, buffers[0]) ? "int " : string.Empty;
                    string overlaps = $"global::System.MemoryExtensions.Overlaps((global::System.ReadOnlySpan<{signature.ElementKeyword}>){output.ParameterName}, {operand.ParameterName}, out {declared}{offset})";
                    if (operand.Length == output.Length)
                    {
                        writer.WriteLine($"if ({overlaps} && {offset} != 0)");
                        writer.WriteLine($"    throw new {ArgumentException}(\"{kernel}: the output must be exactly the memory of the {what} (in place) or not overlap it: shifted, every element would be read after it was written.\"{hint}, {NameOf(output.ParameterName)});");
                    }
                    else
                    {
                        writer.WriteLine($"if ({overlaps})");
                        writer.WriteLine($"    throw new {ArgumentException}(\"{kernel}: the output must not overlap the {what}, whose elements are read again for every output they are broadcast to.\"{hint}, {NameOf(output.ParameterName)});");
                    }
                }

                writer.WriteLine();
                return;
            }

            for (int i = 0; i < buffers.Count - 1; i++)
            {
                string name = buffers[i].ParameterName;
                writer.WriteLine($"if (global::System.MemoryExtensions.Overlaps({output.ParameterName}, {name}))");
                writer.WriteLine($"    throw new {ArgumentException}(\"{kernel}: the output must not overlap the {buffers[i].Role}: every output element is written while the {buffers[i].Role} is still read.\"{hint}, {NameOf(output.ParameterName)});");
            }

            writer.WriteLine();
        }

        /// <summary>The kernel as a message names it: its type and method, <c>Layers.Encode1</c>, as the user wrote them.</summary>
        public static string Kernel(KernelSignature signature) => Member(signature, signature.MethodName);

        /// <summary>A generated member as a message names it, <c>Layers.Encode1FoldBatchNorm</c>.</summary>
        public static string Member(KernelSignature signature, string member)
        {
            ContainingType? type = signature.Containing.Types.Count > 0 ? signature.Containing.Types[signature.Containing.Types.Count - 1] : null;
            return (type is null ? string.Empty : Identifiers.Unescape(type.Name) + ".") + Identifiers.Unescape(member);
        }

        /// <summary>
        /// The parameter's name as a string literal. Not <c>nameof(x)</c>: a parameter called <c>nameof</c> would turn that
        /// into a call of itself.
        /// </summary>
        private static string NameOf(string parameter) => $"\"{Identifiers.Unescape(parameter)}\"";
    }
}
