using System;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// The scalar loops both convolutions share, for one pair of channels: each kernel tap adds <c>tapWeight</c> times one
    /// buffer into the other, position by position, where position <c>p</c> of the buffer the loops walk meets position
    /// <c>p*stride + tap*dilation - pad</c> of the other. The transposed convolution walks its input and scatters into
    /// its output; the convolution walks its output and gathers from its input. Each tap's range of <c>p</c> is computed
    /// so that the other position never falls into the padding: no bound is tested in a loop.
    /// </summary>
    internal sealed class StridedTaps
    {
        /// <summary>
        /// Kernel windows up to this many taps get one loop nest per tap; larger ones loop over the taps too. It was 64
        /// while these loops were the only form of 3-D layers; now that every rank has a vector form, they run only
        /// without hardware vectors or with non-finite weights, and a 4x4x4 window's 64 loop nests made the 3-D GAN
        /// layer's source 40% longer.
        /// </summary>
        private const int UnrolledWindowLimit = 32;

        private readonly int[] _kernel, _kernelStrides, _walked, _walkedStrides, _reached, _reachedStrides;
        private readonly EquatableArray<int> _stride, _pad, _dilation;
        private readonly bool _walksOutput;
        private readonly string _variable, _verb;

        /// <param name="walked">The spatial size of the buffer the loops walk, and below, its row-major strides.</param>
        /// <param name="reached">The spatial size of the other buffer, reached at <c>p*stride + tap*dilation - pad</c>.</param>
        /// <param name="walksOutput">True for the convolution: the walked buffer is the output (<c>y</c>), the other the input (<c>x</c>).</param>
        /// <param name="variable">The loop variables' prefix, <c>i</c> or <c>o</c>; <paramref name="verb"/> what a tap does there in the comments.</param>
        public StridedTaps(int[] kernel, EquatableArray<int> stride, EquatableArray<int> pad, EquatableArray<int> dilation,
            int[] walked, int[] reached, bool walksOutput, string variable, string verb)
        {
            _kernel = kernel;
            _kernelStrides = ShapeText.RowMajorStrides(kernel);
            _stride = stride;
            _pad = pad;
            _dilation = dilation;
            _walked = walked;
            _walkedStrides = ShapeText.RowMajorStrides(walked);
            _reached = reached;
            _reachedStrides = ShapeText.RowMajorStrides(reached);
            _walksOutput = walksOutput;
            _variable = variable;
            _verb = verb;
        }

        private int Rank => _kernel.Length;

        /// <summary>
        /// The positions <c>[Lo, Hi)</c> of a buffer of <paramref name="walkedSize"/> whose tap <paramref name="tap"/>
        /// reaches inside one of <paramref name="reachedSize"/>; empty when it never does.
        /// </summary>
        public static (int Lo, int Hi) Range(int walkedSize, int reachedSize, int tap, int stride, int pad, int dilation)
        {
            long offset = ((long)tap * dilation) - pad;
            long lo = Math.Max(0, CeilDiv(-offset, stride));
            long hi = Math.Min(walkedSize, FloorDiv(reachedSize - 1 - offset, stride) + 1);
            return hi <= lo ? (0, 0) : ((int)lo, (int)hi);
        }

        /// <summary>Where tap <paramref name="tap"/> of position 0 reaches: <c>tap*dilation - pad</c>.</summary>
        public static int TapOffset(int tap, int pad, int dilation) => (tap * dilation) - pad;

        /// <summary>
        /// The taps of one channel pair, reading the channel's weights from <c>w</c>, the walked and reached channels from
        /// <c>y</c> and <c>x</c> (which is which, by the operator).
        /// </summary>
        public void Write(IndentedWriter writer, string element)
        {
            if (_kernelStrides[0] * _kernel[0] <= UnrolledWindowLimit)
            {
                WriteUnrolledTaps(writer, element);
            }
            else
            {
                WriteTapLoops(writer, element, 0, new TapAxis[Rank]);
            }
        }

        private (int Lo, int Hi) RangeOf(int axis, int tap) => Range(_walked[axis], _reached[axis], tap, _stride[axis], _pad[axis], _dilation[axis]);

        /// <summary>One loop nest per tap, with the tap's range and offset as constants.</summary>
        private void WriteUnrolledTaps(IndentedWriter writer, string element)
        {
            foreach (int[] tap in MultiIndex.Enumerate(_kernel))
            {
                var ranges = Enumerable.Range(0, Rank).Select(axis => RangeOf(axis, tap[axis])).ToArray();
                string tapName = $"tap {ShapeText.Format(tap)}";
                if (ranges.Any(r => r.Hi <= r.Lo))
                {
                    writer.WriteLine($"// {tapName} {_verb} only the padding");
                    continue;
                }

                var axes = Enumerable.Range(0, Rank).Select(axis => new TapAxis(
                    Literals.Int(ranges[axis].Lo), Literals.Int(ranges[axis].Hi),
                    ReachedPositionOf(_stride[axis], TapOffset(tap[axis], _pad[axis], _dilation[axis])))).ToArray();
                string where = string.Join(", ", Enumerable.Range(0, Rank).Select(axis =>
                    $"{ShapeText.AxisName(Rank, axis)} = {axes[axis].ReachedPosition(_variable)} for {_variable} in [{axes[axis].Lo}, {axes[axis].Hi})"));
                writer.WriteLine($"// {tapName} {_verb} {where}");
                using (writer.Block())
                {
                    writer.WriteLine($"{element} tapWeight = {Code.At("w", Literals.Int(MultiIndex.Offset(tap, _kernelStrides)))};");
                    WritePositionLoops(writer, element, axes, 0, "x", "y");
                }
            }
        }

        /// <summary>Loops over the kernel window too, each tap's range computed from its offset: for large windows.</summary>
        private void WriteTapLoops(IndentedWriter writer, string element, int axis, TapAxis[] axes)
        {
            if (axis == Rank)
            {
                string tapIndex = string.Join(" + ", Enumerable.Range(0, Rank).Select(a => Code.Times($"t{a}", _kernelStrides[a])));
                writer.WriteLine($"{element} tapWeight = {Code.At("w", tapIndex)};");
                WritePositionLoops(writer, element, axes, 0, "x", "y");
                return;
            }

            string t = $"t{axis}", offset = $"offset{axis}", lo = $"lo{axis}", hi = $"hi{axis}";
            int stride = _stride[axis], walkedSize = _walked[axis], reachedSize = _reached[axis];
            using (writer.Block($"for (int {t} = 0; {t} < {_kernel[axis]}; {t}++)"))
            {
                writer.WriteLine($"// {ShapeText.AxisName(Rank, axis)}: tap {t} of {(_walksOutput ? "output" : "input")} position {_variable} {_verb} {_variable}*{stride} + {offset}; [{lo}, {hi}) keeps it inside the {(_walksOutput ? "input" : "output")}");
                writer.WriteLine($"int {offset} = {Code.Affine(t, _dilation[axis], -_pad[axis])};");
                writer.WriteLine($"int {lo} = {offset} >= 0 ? 0 : ({stride - 1} - {offset}) / {stride};");
                writer.WriteLine($"int {hi} = {offset} > {reachedSize - 1} ? 0 : global::System.Math.Min({walkedSize}, ({reachedSize - 1} - {offset}) / {stride} + 1);");
                axes[axis] = new TapAxis(lo, hi, variable => $"{Code.Times(variable, stride)} + {offset}");
                WriteTapLoops(writer, element, axis + 1, axes);
            }
        }

        /// <summary>
        /// The loop nest of one tap over its range, one loop per spatial axis, with row references so the innermost loop
        /// indexes by its own variable only: <c>y[p*stride + offset] += tapWeight * x[p]</c> for the transposed
        /// convolution, <c>y[p] += tapWeight * x[p*stride + offset]</c> for the convolution.
        /// </summary>
        private void WritePositionLoops(IndentedWriter writer, string element, TapAxis[] axes, int axis, string x, string y)
        {
            string p = $"{_variable}{axis}";
            string reached = axes[axis].ReachedPosition(p);
            string walkedRef = _walksOutput ? y : x, reachedRef = _walksOutput ? x : y;
            using (writer.Block($"for (int {p} = {axes[axis].Lo}; {p} < {axes[axis].Hi}; {p}++)"))
            {
                if (axis == Rank - 1)
                {
                    string walkedElement = Code.At(walkedRef, p), reachedElement = Code.At(reachedRef, reached);
                    writer.WriteLine(_walksOutput ? $"{walkedElement} += tapWeight * {reachedElement};" : $"{reachedElement} += tapWeight * {walkedElement};");
                    return;
                }

                string walkedRow = Code.Times(p, _walkedStrides[axis]);
                string reachedRow = Code.Times(reached.Contains(" ") ? $"({reached})" : reached, _reachedStrides[axis]);
                string xRow = $"x{axis}", yRow = $"y{axis}";
                writer.WriteLine(Code.Derive(element, xRow, x, _walksOutput ? reachedRow : walkedRow));
                writer.WriteLine(Code.Derive(element, yRow, y, _walksOutput ? walkedRow : reachedRow));
                WritePositionLoops(writer, element, axes, axis + 1, xRow, yRow);
            }
        }

        private static Func<string, string> ReachedPositionOf(int stride, int offset) => variable => Code.Affine(variable, stride, offset);

        private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

        private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

        /// <summary>One axis of a tap's loop nest: the range of positions and the position each reaches, as an expression.</summary>
        private sealed class TapAxis
        {
            public TapAxis(string lo, string hi, Func<string, string> reachedPosition)
            {
                Lo = lo;
                Hi = hi;
                ReachedPosition = reachedPosition;
            }

            public string Lo { get; }

            public string Hi { get; }

            /// <summary>The position reached from position <c>variable</c> of the walked buffer.</summary>
            public Func<string, string> ReachedPosition { get; }
        }
    }
}
