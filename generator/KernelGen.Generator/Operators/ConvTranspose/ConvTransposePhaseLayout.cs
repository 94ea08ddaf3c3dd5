using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.ConvTranspose
{
    /// <summary>
    /// Sizes, stride phases, the padded buffer and the form of one transposed convolution's vector path at one width.
    /// Every layer is seen as 3-D: <c>[C, D, H, W]</c>, a 2-D layer with one plane (<c>D = 1</c>) and a 1-D layer with
    /// one plane of one row. An added axis has kernel, stride and dilation 1 and no padding, so its phase
    /// decomposition is one phase of one tap that reads where it writes, and it adds nothing to the generated code.
    /// </summary>
    internal sealed class ConvTransposePhaseLayout
    {
        /// <summary>
        /// The longest flat row, in vectors, that the flat form writes out (its stores are per output row). 24, not 16: a
        /// 3-D U-Net layer at 17^3 (planes of 289, 19 vectors of 16 lanes) went from 96 to 113 GFLOP/s when its planes
        /// became flat; no benchmark kernel changed.
        /// </summary>
        private const int MaxFlatVectors = 24;

        /// <summary>Shifted copies of the input at most (one per column offset a tap reads at): 8, a 3 x 3 window at stride 1 needs 3.</summary>
        private const int MaxColumnCopies = 8;

        /// <summary>Products per output (input channels of a group times taps) up to which column phases are interleaved.</summary>
        private const int InterleaveMaxProducts = 64;

        public ConvTransposePhaseLayout(KernelSignature signature, ConvTransposeSpec spec, VectorWidth width)
        {
            int rank = signature.SpatialRank;
            int added = 3 - rank;
            int Size(EquatableArray<int> shape, int axis) => axis < added ? 1 : shape[axis - added + 1];
            int Value(EquatableArray<int> values, int axis, int whenAdded) => axis < added ? whenAdded : values[axis - added];
            ConvTransposePhases Axis(int axis) => new(Size(signature.InputShape, axis), Size(signature.OutputShape, axis),
                Value(spec.Kernel, axis, 1), Value(spec.Stride, axis, 1), Value(spec.Pad, axis, 0), Value(spec.Dilation, axis, 1));

            SpatialRank = rank;
            Method = signature.MethodName;
            // The phases store interleaved or strided lanes, never a residual's whole vector: a residual waits for the
            // pass after them, and the activation with it.
            Activation = ConvTransposeOperator.Instance.EpilogueOf(signature, spec, width).Activation;
            Element = signature.ElementKeyword;
            ElementType = signature.ElementType;
            Width = width;
            Lanes = width.Lanes(signature.ElementType);
            HasBias = signature.BiasParameter is not null;
            Groups = spec.Groups;
            InputChannels = signature.InputShape[0];
            OutputChannels = signature.OutputShape[0];
            Depth = Axis(0);
            Rows = Axis(1);
            Columns = Axis(2);

            static IEnumerable<int> Reached(ConvTransposePhases axis) => Enumerable.Range(0, axis.Stride).Where(r => axis.Count(r) > 0);
            static IEnumerable<int> WithTaps(ConvTransposePhases axis) => Reached(axis).Where(r => axis.Taps(r) > 0);
            Phases = (from rd in WithTaps(Depth) from rh in WithTaps(Rows) from rw in WithTaps(Columns) select new Phase(rd, rh, rw)).ToList();
            HasEmptyPhases = Phases.Count < Reached(Depth).Count() * Reached(Rows).Count() * Reached(Columns).Count();

            // Every read lies at (q + FirstQ + PadBefore - m) planes, rows and (vector lanes + FirstQ + PadBefore - m) columns.
            static int PaddedSize(ConvTransposePhases axis, Func<int, int> count) =>
                Math.Max(axis.Input + axis.PadBefore, Enumerable.Range(0, axis.Stride).Max(r => count(r) + axis.FirstQ(r) + axis.PadBefore));
            PaddedDepth = PaddedSize(Depth, Depth.Count);
            PaddedHeight = PaddedSize(Rows, Rows.Count);
            int rowPaddedWidth = PaddedSize(Columns, r => VectorsFor(Columns.Count(r)) * Lanes);
            int flatPaddedWidth = PaddedSize(Columns, Columns.Count);

            // Rows shorter than a vector waste most of its lanes; taking a phase's outputs row after row over the
            // padded width (the flat form) fills them, at the price of computing the few padding columns between rows.
            // Each plane of a depth phase repeats its plane's work once per depth tap.
            // The costs in long: they count vector multiply-adds, which pass int long before a layer's buffers do.
            long PlaneRepeats(Phase p) => (long)Depth.Taps(p.Rd) * Depth.Count(p.Rd) * Rows.Taps(p.Rh) * Columns.Taps(p.Rw);
            long Vectors(int rh, int rw, int width) => ((((long)(Rows.Count(rh) - 1) * width) + Columns.Count(rw)) + Lanes - 1) / Lanes;
            long FlatCost(int width) => Phases.Sum(p => PlaneRepeats(p) * Vectors(p.Rh, p.Rw, width));
            bool FlatFits(int width) => Phases.All(p => Vectors(p.Rh, p.Rw, width) <= MaxFlatVectors);
            long rowCost = Phases.Sum(p => PlaneRepeats(p) * Rows.Count(p.Rh) * VectorsFor(Columns.Count(p.Rw)));
            long flatCost = FlatCost(flatPaddedWidth);

            // The padding columns of a flat row are there because a row's taps read at different column offsets. With
            // one copy of the input per offset, shifted so that every tap reads from column q of its copy, the rows of
            // a flat row need no padding columns: a DCGAN generator's 4x4 phases fill one Vector512 instead of half of
            // two. Taken when it saves a fifth of the vector multiply-adds and the copies cost a small part of them.
            int[] offsets = (from p in Phases from mw in Enumerable.Range(0, Columns.Taps(p.Rw)) select ColumnOffset(p.Rw, mw)).ToArray();
            // (A layer whose every phase is empty, each output only its bias, has no offsets and reads nothing.)
            int copies = offsets.Length == 0 ? 0 : offsets.Max() - offsets.Min() + 1;
            int compactWidth = Phases.Select(p => Columns.Count(p.Rw)).DefaultIfEmpty(1).Max();
            long shiftedCost = FlatCost(compactWidth);
            long alternative = Math.Min(rowCost, FlatFits(flatPaddedWidth) ? flatCost : long.MaxValue / 8);
            long savedProducts = (alternative - shiftedCost) * InputChannelsPerGroup * OutputChannels;
            long copiedVectors = (long)InputChannels * copies * PaddedDepth * PaddedHeight * VectorsFor(compactWidth);
            bool shifted = copies > 0 && copies <= MaxColumnCopies && FlatFits(compactWidth) && shiftedCost * 5 <= alternative * 4 && ShiftedCopies.Pay(savedProducts, copiedVectors);
            ColumnCopies = shifted ? copies : 0;
            FirstColumnOffset = shifted ? offsets.Min() : 0;
            Flat = shifted || (flatCost * 5 < rowCost * 4 && FlatFits(flatPaddedWidth));
            PaddedWidth = shifted ? compactWidth : Flat ? flatPaddedWidth : rowPaddedWidth;
            VectorProducts = shifted ? shiftedCost : Flat ? flatCost : rowCost;

            var rws = Reached(Columns).Where(rw => Columns.Taps(rw) > 0).ToArray();
            // Interleaving in registers saves the lane-by-lane stores, which matter when each output sums few products
            // or, in the flat form, always; in the row form it also halves the tile per phase, which costs more than it
            // saves when each output sums many.
            bool interleave = Columns.Stride > 1 && rws.Length == Columns.Stride && Lanes % Columns.Stride == 0
                && rws.All(rw => Columns.Count(rw) == Columns.Count(0))
                && (Flat || InputChannelsPerGroup * Depth.MaxTaps * Rows.MaxTaps * Columns.MaxTaps <= InterleaveMaxProducts);
            PhaseSets = (from rd in WithTaps(Depth)
                         from rh in WithTaps(Rows)
                         from set in interleave
                             ? new[] { new ConvTransposePhaseSet(rd, rh, rws.OrderBy(rw => Columns.OutputPosition(rw, 0)).ToArray(), interleaved: true) }
                             : rws.Select(rw => new ConvTransposePhaseSet(rd, rh, new[] { rw }, interleaved: false))
                         select set).ToList();

            NeedsPadding = Flat || Depth.PadBefore > 0 || Rows.PadBefore > 0 || Columns.PadBefore > 0
                || PaddedDepth > Depth.Input || PaddedHeight > Rows.Input || PaddedWidth > Columns.Input;
            if (!NeedsPadding)
            {
                PaddedDepth = Depth.Input;
                PaddedHeight = Rows.Input;
                PaddedWidth = Columns.Input;
            }

            // Channels whose reads crowd into a few L1 sets are copied further apart (a copy of the input, if the
            // layer needs none for its padding); the tiles read as many vectors at a time as they are wide.
            int narrowestRead = PhaseSets.Count == 0 ? 0 : PhaseSets.Min(set => ConvTransposeTiling.TileOf(this, set).Vectors) * width.Bytes;
            ChannelSlack = PhaseSets.Count == 0 ? 0 : CacheSets.StrideSlack(ChannelStride, ElementBytes, InputChannelsPerGroup, narrowestRead);

            // The flat form's last vector runs past the phase's plane into the next one; after the last, into zeros.
            // With shifted copies every column offset is a copy, the last of them the furthest.
            int lastRead = !Flat ? 0 : Phases.Max(p => ((Depth.FirstQ(p.Rd) + Depth.PadBefore + Depth.Count(p.Rd) - 1) * PaddedPlane)
                + ((Rows.FirstQ(p.Rh) + Rows.PadBefore) * PaddedWidth)
                + (VectorsFor(FlatLength(p.Rh, p.Rw, PaddedWidth)) * Lanes) + (ShiftedColumns ? (copies - 1) * PaddedVolume : Columns.FirstQ(p.Rw) + Columns.PadBefore));
            PaddedLength = (InputChannels * ChannelStride) + Math.Max(0, lastRead - ChannelStride);
        }

        /// <summary>The layer's own rank (1, 2 or 3), for what the generated comments say.</summary>
        public int SpatialRank { get; }

        public string Method { get; }

        /// <summary>The activation the phases apply in registers (<see cref="Epilogue.Activation"/>): none when the pass after them applies it.</summary>
        public ActivationSpec Activation { get; }

        public string Element { get; }

        public ElementType ElementType { get; }

        public VectorWidth Width { get; }

        public int Lanes { get; }

        public bool HasBias { get; }

        public int Groups { get; }

        public int InputChannels { get; }

        public int OutputChannels { get; }

        public int InputChannelsPerGroup => InputChannels / Groups;

        public int OutputChannelsPerGroup => OutputChannels / Groups;

        /// <summary>The depth axis: of a 3-D layer, or one plane (added) for 1-D and 2-D layers.</summary>
        public ConvTransposePhases Depth { get; }

        public ConvTransposePhases Rows { get; }

        public ConvTransposePhases Columns { get; }

        /// <summary>
        /// True when each phase is computed as one flat row over the padded width: a vector then spans several
        /// output rows, and the padding columns between them are computed and dropped.
        /// </summary>
        public bool Flat { get; }

        /// <summary>Vector multiply-adds per (input channel, output channel) pair, for choosing a form and a width.</summary>
        public long VectorProducts { get; }

        /// <summary>The phases with taps and outputs: (depth, row, column).</summary>
        public List<Phase> Phases { get; }

        public List<ConvTransposePhaseSet> PhaseSets { get; }

        public bool HasEmptyPhases { get; }

        public int PaddedDepth { get; }

        public int PaddedHeight { get; }

        public int PaddedWidth { get; }

        public bool NeedsPadding { get; }

        /// <summary>
        /// The number of shifted copies of the padded input the flat form reads, one per column offset its taps read at
        /// (copy k holds padded column c + <see cref="FirstColumnOffset"/> + k at column c, <see cref="PaddedWidth"/> wide);
        /// 0 when it reads the padded input itself.
        /// </summary>
        public int ColumnCopies { get; }

        public bool ShiftedColumns => ColumnCopies > 0;

        /// <summary>The padded column that copy 0 holds at column 0.</summary>
        public int FirstColumnOffset { get; }

        /// <summary>The step in the buffer from one column offset of a tap to the next: 1, or a whole copy.</summary>
        public int ColumnStep => ShiftedColumns ? PaddedVolume : 1;

        /// <summary>One input channel in the buffer: its padded volume, or all its shifted copies, and the slack after them.</summary>
        public int ChannelStride => (ShiftedColumns ? ColumnCopies * PaddedVolume : PaddedVolume) + ChannelSlack;

        /// <summary>
        /// Unused elements after each channel of the buffer, so that the channels a tile reads do not crowd into a few L1
        /// cache sets (<see cref="CacheSets"/>); 0 when they do not.
        /// </summary>
        public int ChannelSlack { get; }

        /// <summary>True when the tiles read a copy of the input: to pad it, or to space its channels (<see cref="ChannelSlack"/>).</summary>
        public bool CopiesInput => NeedsPadding || ChannelSlack > 0;

        /// <summary>The padded column a tap of column phase <paramref name="rw"/> reads for q = 0.</summary>
        public int ColumnOffset(int rw, int mw) => Columns.FirstQ(rw) + Columns.PadBefore - Columns.Back(rw) - (Columns.InputStep * mw);

        /// <summary>One plane of the padded input: the step from one depth to the next.</summary>
        public int PaddedPlane => PaddedHeight * PaddedWidth;

        /// <summary>One channel of the padded input: the step from one channel to the next.</summary>
        public int PaddedVolume => PaddedDepth * PaddedPlane;

        /// <summary>The padded channels, and in the flat form the zeros its last vectors read past them.</summary>
        public int PaddedLength { get; }

        /// <summary>One channel of the input.</summary>
        public int InputVolume => Depth.Input * Rows.Input * Columns.Input;

        /// <summary>One plane of an output channel: the step from one output depth to the next.</summary>
        public int OutputPlane => Rows.Output * Columns.Output;

        /// <summary>One output channel.</summary>
        public int OutputVolume => Depth.Output * OutputPlane;

        /// <summary>The weights of one tap plane: the step from one depth tap to the next.</summary>
        public int PlaneTaps => Rows.Kernel * Columns.Kernel;

        public int KernelTaps => Depth.Kernel * PlaneTaps;

        private int? _channelBlock;

        /// <summary>Output channels of a group that every phase runs over before the next block (<see cref="ConvTransposeTiling.ChannelBlock"/>).</summary>
        public int ChannelBlock => _channelBlock ??= ConvTransposeTiling.ChannelBlock(this);

        public bool IsBlocked => ChannelBlock < OutputChannelsPerGroup;

        /// <summary>The bytes of weights that feed one output channel: every input channel of its group, every tap.</summary>
        public long OutputChannelWeightBytes => (long)InputChannelsPerGroup * KernelTaps * ElementBytes;

        public int ElementBytes => ElementType.Bytes();

        /// <summary>Weights from one input channel of a group to all its output channels: the step from channel j to j + 1.</summary>
        public int ChannelWeights => OutputChannelsPerGroup * KernelTaps;

        /// <summary>Lanes of phase (rh, rw) in the flat form: every row but the last spans the whole padded width.</summary>
        public int FlatLength(int rh, int rw, int paddedWidth) => ((Rows.Count(rh) - 1) * paddedWidth) + Columns.Count(rw);

        public int VectorsFor(int lanes) => (lanes + Lanes - 1) / Lanes;

        /// <summary>
        /// Where a phase set's first read lies in the padded input, beyond its group, row and lane offsets.
        /// With shifted copies the body holds the whole column offset (which copy each tap reads), so that neither the
        /// argument nor any reference derived from it points before the buffer.
        /// </summary>
        public int InputOrigin(ConvTransposePhaseSet set) =>
            (Depth.FirstQ(set.Rd) * PaddedPlane) + (Rows.FirstQ(set.Rh) * PaddedWidth) + (set.Interleaved || ShiftedColumns ? 0 : Columns.FirstQ(set.Rws[0]));

        /// <summary>A phase set's first tap in the weights of each (input, output) channel pair.</summary>
        public int WeightOrigin(ConvTransposePhaseSet set) =>
            (Depth.FirstTap(set.Rd) * PlaneTaps) + (Rows.FirstTap(set.Rh) * Columns.Kernel) + (set.Interleaved ? 0 : Columns.FirstTap(set.Rws[0]));

        /// <summary>A phase set's first output in each output channel.</summary>
        public int OutputOrigin(ConvTransposePhaseSet set) =>
            (Depth.OutputPosition(set.Rd, 0) * OutputPlane) + (Rows.OutputPosition(set.Rh, 0) * Columns.Output) + (set.Interleaved ? 0 : Columns.OutputPosition(set.Rws[0], 0));

        /// <summary>One stride phase: its residue on each axis.</summary>
        public readonly record struct Phase(int Rd, int Rh, int Rw);
    }

    /// <summary>One (depth, row) phase with the column phases computed together: all of them interleaved, or one.</summary>
    internal sealed class ConvTransposePhaseSet
    {
        public ConvTransposePhaseSet(int rd, int rh, int[] rws, bool interleaved)
        {
            Rd = rd;
            Rh = rh;
            Rws = rws;
            Interleaved = interleaved;
        }

        public int Rd { get; }

        public int Rh { get; }

        /// <summary>The column phases, in the order of their first output column when interleaved.</summary>
        public int[] Rws { get; }

        public bool Interleaved { get; }

        /// <summary>
        /// The column phase <paramref name="p"/>'s first tap as the phase method writes it: a constant when the
        /// column phases are interleaved (every set has them all), 0 otherwise (the method's argument holds it).
        /// </summary>
        public int ColumnTap(ConvTransposePhaseLayout l, int p) => Interleaved ? l.Columns.FirstTap(Rws[p]) : 0;

        /// <summary>How the phase method's comments name column phase <paramref name="p"/>'s first tap.</summary>
        public string ColumnName(ConvTransposePhaseLayout l, int p) => Interleaved ? $"{l.Columns.FirstTap(Rws[p])}" : "column";

        /// <summary>
        /// The first <c>q</c> of column phase <paramref name="p"/> as the phase method writes it (see <see cref="ColumnTap"/>); with
        /// shifted copies always in the method, which then computes each tap's copy itself.
        /// </summary>
        public int ColumnFirstQ(ConvTransposePhaseLayout l, int p) => Interleaved || l.ShiftedColumns ? l.Columns.FirstQ(Rws[p]) : 0;

        /// <summary>The phase as (row, column), or (depth, row, column) for a 3-D layer; the column <c>all</c> when interleaved.</summary>
        public string Describe(ConvTransposePhaseLayout l) =>
            (l.SpatialRank == 3 ? $"({Rd}, " : "(") + (Interleaved ? $"{Rh}, all)" : $"{Rh}, {Rws[0]})");
    }
}
