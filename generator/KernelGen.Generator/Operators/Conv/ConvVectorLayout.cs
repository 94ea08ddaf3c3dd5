using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Emit;
using KernelGen.Generator.Model;

namespace KernelGen.Generator.Operators.Conv
{
    /// <summary>
    /// Where the vector form of a convolution reads and writes, at one width and any rank. The input is copied once
    /// into a zero-padded buffer whose rows (the last spatial axis) are split into <c>stride</c> column phases: padded
    /// column <c>c</c> goes to phase <c>c mod stride</c> at index <c>c / stride</c>. Output column <c>q</c> then reads,
    /// through last-axis tap <c>t</c>, phase <c>(t*dilation) mod stride</c> at index <c>q + (t*dilation) / stride</c>:
    /// consecutive output columns read consecutive elements, so a vector of outputs takes one plain load per tap, at
    /// every stride and dilation. The other axes read padded position <c>o*stride + t*dilation</c>.
    /// <para>
    /// A row that is not a whole number of vectors wastes lanes: 28 columns take two vectors of 16, 40 take three.
    /// When the savings pay for them, the layout adds shifted copies (<see cref="Flat"/>): for every row phase <c>ph</c>
    /// (padded row <c>i*rowStride + ph</c> goes to copy row <c>i</c>) and every last-axis tap <c>t</c>, a copy whose
    /// rows hold exactly the <c>OW</c> columns that tap reads. Output <c>(r, q)</c>, flat index <c>f = r*OW + q</c>,
    /// reads through row tap <c>th</c> (<c>th*dilation = a*rowStride + ph</c>) copy row <c>r + a</c> at column
    /// <c>q</c>: element <c>f + a*OW</c>, consecutive in <c>f</c>. A plane is then one run of vectors with no dropped lane
    /// except in its last vector.
    /// </para>
    /// </summary>
    internal sealed class ConvVectorLayout
    {
        /// <param name="method">The prefix of the form's methods: the kernel's name, or another where two forms share a width (Winograd's fallback).</param>
        public ConvVectorLayout(KernelSignature signature, ConvSpec spec, VectorWidth width, string? method = null)
        {
            Geometry = new ConvGeometry(signature, spec);
            Width = width;
            Element = signature.ElementKeyword;
            ElementType = signature.ElementType;
            Lanes = width.Lanes(signature.ElementType);
            HasBias = signature.BiasParameter is not null;
            Signature = signature;
            Method = method ?? signature.MethodName;
            int last = Geometry.Rank - 1;
            ColumnStride = spec.Stride[last];
            OutputColumns = Geometry.OutputSize[last];

            // Every vector load stays inside a phase row: the last vector of a row starts at most at
            // max(columns, lanes) - lanes, and the farthest tap adds (k - 1)*dilation / stride to it.
            int paddedColumns = Geometry.InputSize[last] + (2 * spec.Pad[last]);
            int farthestTap = (Geometry.Kernel[last] - 1) * spec.Dilation[last] / ColumnStride;
            PhaseLength = Math.Max((paddedColumns + ColumnStride - 1) / ColumnStride, Math.Max(OutputColumns, Lanes) + farthestTap);
            PaddedSize = Enumerable.Range(0, last).Select(axis => Geometry.InputSize[axis] + (2 * spec.Pad[axis])).Concat(new[] { ColumnStride * PhaseLength }).ToArray();
            PaddedStrides = ShapeText.RowMajorStrides(PaddedSize);
            PaddedPlaneLong = PaddedStrides[0] * (long)PaddedSize[0];

            var rowStarts = new VectorStarts(OutputColumns, Lanes);
            if (Rank >= 2)
            {
                RowStride = spec.Stride[Rank - 2];
                CopyRows = (PaddedSize[Rank - 2] + RowStride - 1) / RowStride;
                CopySize = PaddedSize.Take(Rank - 2).Concat(new[] { CopyRows, OutputColumns }).ToArray();
                CopyStrides = ShapeText.RowMajorStrides(CopySize);
                CopyPlaneLong = CopyStrides[0] * (long)CopySize[0];
                Flat = FlatPays(rowStarts.Count);
            }

            ColumnStarts = Flat ? new VectorStarts(RunLength, Lanes) : rowStarts;
        }

        /// <summary>
        /// The flat form is taken when it saves at least 1/<see cref="FlatMinimumSavingShare"/> of the vector
        /// multiply-adds and its copies pay (<see cref="ShiftedCopies.Pay"/>). A plane narrower than a vector keeps the
        /// rows (its one vector goes through the stack either way).
        /// </summary>
        private bool FlatPays(int vectorsPerRow)
        {
            int rows = Geometry.OutputSize[Rank - 2];
            long plane = (long)rows * OutputColumns, copies = CopyPlaneLong * CopyCount * Geometry.InputChannels;
            if (plane < Lanes || rows == 1 || !BufferFits(copies))
            {
                return false;
            }

            long planes = ShapeText.ElementCount(Geometry.OutputSize) / plane;
            long rowVectors = rows * (long)vectorsPerRow, flatVectors = new VectorStarts((int)plane, Lanes).Count;
            long productsPerVector = (long)Geometry.OutputChannels * Geometry.InputChannelsPerGroup * Geometry.KernelTaps;
            long saved = (rowVectors - flatVectors) * planes * productsPerVector;
            return saved * FlatMinimumSavingShare >= rowVectors * planes * productsPerVector && ShiftedCopies.Pay(saved, copies / Lanes);
        }

        /// <summary>The flat form must save at least one vector multiply-add in this many.</summary>
        private const int FlatMinimumSavingShare = 16;

        public ConvGeometry Geometry { get; }

        public ConvSpec Spec => Geometry.Spec;

        public VectorWidth Width { get; }

        public string Element { get; }

        public ElementType ElementType { get; }

        public int Lanes { get; }

        public bool HasBias { get; }

        public string Method { get; }

        public int Rank => Geometry.Rank;

        public int ColumnStride { get; }

        public int OutputColumns { get; }

        /// <summary>Where each vector of an output row starts; the last overlaps the one before when the row is not a whole number of vectors.</summary>
        public VectorStarts ColumnStarts { get; }

        /// <summary>True when a row is narrower than one vector: its one vector is stored through the stack.</summary>
        public bool PartialRow => RunLength < Lanes;

        public KernelSignature Signature { get; }

        /// <summary>What each stored sum takes: the residual where whole vectors are stored (not a partial row), and the activation.</summary>
        public Epilogue Epilogue => _epilogue ??= new Epilogue(Signature, Spec.Activation, Width, residualInRegisters: !PartialRow);

        private Epilogue? _epilogue;

        /// <summary>The outputs one run of vectors covers, contiguous in the output: a row, or in the flat form a plane.</summary>
        public int RunLength => Flat ? Geometry.OutputSize[Rank - 2] * OutputColumns : OutputColumns;

        /// <summary>True when each plane is one flat run of vectors over shifted copies of the padded input.</summary>
        public bool Flat { get; }

        /// <summary>The stride of the row axis (the one before the last): the number of row phases the copies hold.</summary>
        public int RowStride { get; } = 1;

        /// <summary>Rows of one row phase in a copy.</summary>
        public int CopyRows { get; }

        /// <summary>The spatial size of one copy of one channel: the padded outer axes, <see cref="CopyRows"/>, the output columns.</summary>
        public int[] CopySize { get; } = Array.Empty<int>();

        public int[] CopyStrides { get; } = Array.Empty<int>();

        private long CopyPlaneLong { get; }

        public int CopyPlane => (int)CopyPlaneLong;

        /// <summary>Copies of the whole input: one per row phase and last-axis tap.</summary>
        public int CopyCount => RowStride * Geometry.Kernel[Rank - 1];

        /// <summary>Elements of the copies of every input channel for one (row phase, last-axis tap).</summary>
        public int CopyBlock => CopyPlane * Geometry.InputChannels;

        /// <summary>Elements of all the copies; 0 without the flat form.</summary>
        public int CopiesLength => Flat ? CopyBlock * CopyCount : 0;

        /// <summary>The start of the copy for row phase <paramref name="rowPhase"/> and last-axis tap <paramref name="tap"/>.</summary>
        public int CopyStart(int rowPhase, int tap) => ((rowPhase * Geometry.Kernel[Rank - 1]) + tap) * CopyBlock;

        /// <summary>Elements of one column phase of one padded row.</summary>
        public int PhaseLength { get; }

        /// <summary>The padded input's spatial size, the last axis holding the column phases side by side.</summary>
        public int[] PaddedSize { get; }

        public int[] PaddedStrides { get; }

        private long PaddedPlaneLong { get; }

        public int PaddedPlane => (int)PaddedPlaneLong;

        /// <summary>The padded buffer (and the copies, in the flat form) fits in an array, with room for a vector's overread at its end.</summary>
        public bool Fits => BufferFits(CopiesLength);

        private bool BufferFits(long copies) => (PaddedPlaneLong * Geometry.InputChannels) + copies + Lanes < int.MaxValue / 2;

        public int PaddedLength => PaddedPlane * Geometry.InputChannels;

        /// <summary>Output rows per plane, the axis tiles take several of: the one before the last (1 for a 1-D layer or the flat form).</summary>
        public int Rows => Rank >= 2 && !Flat ? Geometry.OutputSize[Rank - 2] : 1;

        /// <summary>Vector multiply-adds per sample, by which the widths are ordered.</summary>
        public long VectorProducts => (long)ColumnStarts.Count * (ShapeText.ElementCount(Geometry.OutputSize) / RunLength)
            * Geometry.OutputChannels * Geometry.InputChannelsPerGroup * Geometry.KernelTaps;

        /// <summary>
        /// The padded-buffer offset of last-axis tap <paramref name="tap"/> from an output column's first read: its column
        /// phase's start plus how many columns on in that phase it reads.
        /// </summary>
        public int ColumnTapOffset(int tap)
        {
            int reach = tap * Spec.Dilation[Rank - 1];
            return (reach % ColumnStride * PhaseLength) + (reach / ColumnStride);
        }

        /// <summary>The padded-buffer offset between output row <c>r</c> and row <c>r + 1</c> of a plane.</summary>
        public int RowStep => Rank >= 2 ? Spec.Stride[Rank - 2] * PaddedStrides[Rank - 2] : 0;
    }
}
