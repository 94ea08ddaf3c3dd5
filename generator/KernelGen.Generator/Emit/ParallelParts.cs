using System;
using System.Collections.Generic;
using System.Linq;

namespace KernelGen.Generator.Emit
{
    /// <summary>
    /// A vector form split across the machine's cores: its work as a constant number of <c>units</c>, independent pieces
    /// (tiles of output channels, of positions), each computing its outputs completely and in the same order wherever it
    /// runs; at run time each of <c>KernelGen.Workers</c>' threads takes one contiguous share of them (contiguous, so that
    /// neighbouring tiles, which read overlapping rows, stay on one core: measured, a layer of 3 output channels over
    /// 64x128x128 ran 1.2x slower on two workers than on one with the units dealt out one at a time, 1.2x faster with
    /// shares). The form writes <c>{method}_Units(first, end, spans...)</c>; this writes the call that runs it (on the
    /// workers when there is more than one, else on the calling thread) and the part that maps a share to a range of
    /// units. Every output element is computed by one unit with the arithmetic of the one-thread form, so the results are
    /// bit-identical for any number of workers.
    /// </summary>
    internal static class ParallelParts
    {
        /// <summary>
        /// The least work per sample, in multiply-adds, that is split: about 10 us of one core's time, against a hand-off
        /// of a microsecond or two to awake workers (more to sleeping ones). Smaller layers run on the calling thread.
        /// </summary>
        public static long MinimumWork => s_splitAll ? 0 : 1L << 20;

        /// <summary>
        /// The least elements per sample that a memory-bound pass splits (<see cref="IsLargePass"/>), 512 KiB of floats. Measured on a 2-core Zen 5: a per-channel scale of 75,264 elements (2.4 us on one core) ran 8% slower
        /// on two workers than on one, an addition of 200,704 elements 2.1x faster.
        /// </summary>
        public static int MinimumElements => s_splitAll ? 0 : 1 << 17;

        [ThreadStatic]
        private static bool s_splitAll;

        /// <summary>
        /// Until disposed, no threshold (<c>KernelGenSplitAll</c>, for testing): every form with two units or more is
        /// split. Set around one file's writing, which runs synchronously on one thread, as <see cref="Code.CheckedAccess"/>.
        /// </summary>
        public static IDisposable SplitAll(bool splitAll)
        {
            bool saved = s_splitAll;
            s_splitAll = splitAll;
            return new Code.Restore(() => s_splitAll = saved);
        }

        /// <summary>Units worth aiming for when a form chooses how finely to cut: more than any machine's workers here.</summary>
        public const int TargetUnits = 32;

        public static bool Applies(long work, int units) => work >= MinimumWork && units >= 2;

        /// <summary>
        /// Whether a memory-bound pass over one sample (element-wise, normalization, softmax, pooling, resampling,
        /// rearranging) has enough work to split: it moves at least <see cref="MinimumElements"/> elements on its larger
        /// side (<paramref name="inputElements"/> read or <paramref name="outputElements"/> written: a pool reads more than
        /// it writes, an upsampling writes more than it reads). The form splits it if it also has two units or more.
        /// </summary>
        public static bool IsLargePass(long inputElements, long outputElements) => Math.Max(inputElements, outputElements) >= MinimumElements;

        /// <summary>
        /// A run of <paramref name="length"/> independent positions cut into about <see cref="TargetUnits"/> units of
        /// <c>Chunk</c> positions, a whole number of vectors, the last unit ending at the run's end (with the positions
        /// past the last whole vector); null when that makes fewer than two.
        /// </summary>
        public static (int Units, int Chunk)? InWholeVectors(int length, int lanes)
        {
            int vectors = length / lanes;
            if (vectors < 2)
            {
                return null;
            }

            int chunk = (vectors + Math.Min(TargetUnits, vectors) - 1) / Math.Min(TargetUnits, vectors) * lanes;
            int units = (length + chunk - 1) / chunk;
            return units >= 2 ? (units, chunk) : null;
        }

        /// <summary>The spans of a pass from one tensor into another: the input it reads, the output it writes.</summary>
        public static readonly IReadOnlyList<Span> InputOutput = new[] { new Span("input", false), new Span("output", true) };

        /// <summary>
        /// A width's method whose whole work is split: <c>{kernel}_{width}</c> runs <paramref name="units"/> units across
        /// the workers (<see cref="WriteRun"/>), <c>{kernel}_{width}_Units</c> holds what <paramref name="writeUnits"/>
        /// writes for units <c>[first, end)</c>, then the part that maps a worker's share to them (<see cref="WriteMembers"/>).
        /// </summary>
        public static void WriteSplitMethod(IndentedWriter writer, VectorWidth width, string kernel, string parameters, string summary,
            int units, string element, IReadOnlyList<Span> spans, string unitsSummary, Action writeUnits)
        {
            string method = $"{kernel}_{width.Name}";
            using (width.BeginMethod(writer, kernel, parameters, summary + " Split across the workers."))
            {
                WriteRun(writer, method, units, element, spans);
            }

            using (BeginUnits(writer, method, element, spans, unitsSummary))
            {
                writeUnits();
            }

            WriteMembers(writer, method, units, element, spans);
        }

        /// <summary>
        /// A width's method for a memory-bound pass over <paramref name="units"/> independent <paramref name="unitName"/>
        /// (channels, groups), each reading and writing only its own part: split across the workers by ranges of them
        /// (<see cref="WriteSplitMethod"/>) when the pass is large (<see cref="IsLargePass"/>) and has two or more, else
        /// one method over all of them. <paramref name="write"/> writes the loop over a range: a unit's <c>[first, end)</c>,
        /// or unsplit <c>[0, units)</c>.
        /// </summary>
        public static void WritePassMethod(IndentedWriter writer, VectorWidth width, string kernel, string parameters, string summary, string element,
            IReadOnlyList<Span> spans, int units, string unitName, long inputElements, long outputElements, Action<(string First, string End)> write)
        {
            if (units >= 2 && IsLargePass(inputElements, outputElements))
            {
                WriteSplitMethod(writer, width, kernel, parameters, summary, units, element, spans,
                    $"Units [first, end) of {Literals.Int(units)}: {unitName} first to end.", () => write(("first", "end")));
                return;
            }

            using (width.BeginMethod(writer, kernel, parameters, summary))
            {
                write(("0", Literals.Int(units)));
            }
        }

        /// <summary>The spans of a weighted layer's units: what they read (the prepared input, the weight, any bias), the output, any residual.</summary>
        public static List<Span> Weighted(string source, bool bias, bool residual)
        {
            var spans = new List<Span> { new(source, false), new("weight", false) };
            if (bias)
            {
                spans.Add(new("bias", false));
            }

            spans.Add(new("output", true));
            if (residual)
            {
                spans.Add(new("residual", false));
            }

            return spans;
        }

        /// <summary>One span the units read or write: its argument in the calling method, and whether it is the output.</summary>
        public readonly struct Span
        {
            public Span(string argument, bool isOutput)
            {
                Argument = argument;
                IsOutput = isOutput;
            }

            public string Argument { get; }

            public bool IsOutput { get; }
        }

        /// <summary>
        /// Opens <c>{method}_Units(int first, int end, spans...)</c>, the spans named and typed as <paramref name="spans"/>
        /// lists them (read-only, or the output), inside <c>#if NET9_0_OR_GREATER</c>; disposing the scope closes both.
        /// </summary>
        public static IndentedWriter.Scope BeginUnits(IndentedWriter writer, string method, string element, IReadOnlyList<Span> spans, string summary)
        {
            string parameters = string.Join(", ", spans.Select(s => $"global::System.{(s.IsOutput ? "Span" : "ReadOnlySpan")}<{element}> {s.Argument}"));
            return VectorWidth.BeginNamedMethod(writer, method + "_Units", $"int first, int end, {parameters}", summary);
        }

        /// <summary>
        /// The statement that runs units <c>[0, units)</c>: split across the workers, or all here with one worker (or,
        /// with <paramref name="worthIt"/>, a condition known only at run time, when it is false).
        /// </summary>
        public static void WriteRun(IndentedWriter writer, string method, int units, string element, IReadOnlyList<Span> spans, string? worthIt = null)
        {
            string[] read = spans.Where(s => !s.IsOutput).Select(s => s.Argument).ToArray();
            if (read.Length > 5 || spans.Count(s => s.IsOutput) != 1)
            {
                throw new InvalidOperationException("A parallel form reads at most five spans and writes one.");
            }

            string output = spans.Single(s => s.IsOutput).Argument;
            string slots = string.Join(", ", read.Concat(Enumerable.Repeat("default", 5 - read.Length)));
            writer.WriteLine($"// {units} units, one contiguous share per worker (each unit computes its outputs alone, in the one-thread order).");
            using (writer.Block($"if (global::KernelGen.Workers.Count > 1{(worthIt is null ? string.Empty : " && " + worthIt)})"))
            {
                writer.WriteLine($"global::KernelGen.Workers.Run<{element}>(global::System.Math.Min(global::KernelGen.Workers.Count, {units}), {method}_Parts, {slots}, {output});");
            }

            using (writer.Block("else"))
            {
                writer.WriteLine($"{method}_Units(0, {units}, {string.Join(", ", spans.Select(s => s.Argument))});");
            }
        }

        /// <summary>The part method and its delegate, created once: a part runs its share of the units over the pinned spans.</summary>
        public static void WriteMembers(IndentedWriter writer, string method, int units, string element, IReadOnlyList<Span> spans)
        {
            int slot = 0;
            var arguments = spans.Select(s => s.IsOutput ? $"buffers.Output<{element}>()" : $"buffers.Read<{element}>({slot++})").ToList();
            writer.WriteLine();
            writer.WriteLine("#if NET9_0_OR_GREATER");
            writer.WriteLine($"/// <summary>Part p of n: units [p * {units} / n, (p + 1) * {units} / n).</summary>");
            writer.WriteLine($"private static readonly global::KernelGen.PartBody {method}_Parts = {method}_Part;");
            writer.WriteLine();
            using (writer.Block($"private static void {method}_Part(int part, int parts, in global::KernelGen.PinnedBuffers buffers)", after: "#endif"))
            {
                writer.WriteLine($"{method}_Units(part * {units} / parts, (part + 1) * {units} / parts, {string.Join(", ", arguments)});");
            }
        }
    }
}
