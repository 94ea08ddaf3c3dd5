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
    /// </summary>
    internal sealed class ConvVectorLayout
    {
        public ConvVectorLayout(KernelSignature signature, ConvSpec spec, VectorWidth width)
        {
            Geometry = new ConvGeometry(signature, spec);
            Width = width;
            Element = signature.ElementKeyword;
            ElementType = signature.ElementType;
            Lanes = width.Lanes(signature.ElementType);
            HasBias = signature.BiasParameter is not null;
            Method = signature.MethodName;
            int last = Geometry.Rank - 1;
            ColumnStride = spec.Stride[last];
            OutputColumns = Geometry.OutputSize[last];
            ColumnStarts = VectorStarts(OutputColumns, Lanes);

            // Every vector load stays inside a phase row: the last vector of a row starts at most at
            // max(columns, lanes) - lanes, and the farthest tap adds (k - 1)*dilation / stride to it.
            int paddedColumns = Geometry.InputSize[last] + (2 * spec.Pad[last]);
            int farthestTap = (Geometry.Kernel[last] - 1) * spec.Dilation[last] / ColumnStride;
            PhaseLength = Math.Max((paddedColumns + ColumnStride - 1) / ColumnStride, Math.Max(OutputColumns, Lanes) + farthestTap);
            PaddedSize = Enumerable.Range(0, last).Select(axis => Geometry.InputSize[axis] + (2 * spec.Pad[axis])).Concat(new[] { ColumnStride * PhaseLength }).ToArray();
            PaddedStrides = ShapeText.RowMajorStrides(PaddedSize);
            PaddedPlaneLong = PaddedStrides[0] * (long)PaddedSize[0];
        }

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
        public int[] ColumnStarts { get; }

        /// <summary>True when a row is narrower than one vector: its one vector is stored through the stack.</summary>
        public bool PartialRow => OutputColumns < Lanes;

        /// <summary>Elements of one column phase of one padded row.</summary>
        public int PhaseLength { get; }

        /// <summary>The padded input's spatial size, the last axis holding the column phases side by side.</summary>
        public int[] PaddedSize { get; }

        public int[] PaddedStrides { get; }

        private long PaddedPlaneLong { get; }

        public int PaddedPlane => (int)PaddedPlaneLong;

        /// <summary>The padded buffer fits in an array, with room for a vector's overread at its end.</summary>
        public bool Fits => (PaddedPlaneLong * Geometry.InputChannels) + Lanes < int.MaxValue / 2;

        public int PaddedLength => PaddedPlane * Geometry.InputChannels;

        /// <summary>Output rows per plane, the axis tiles take several of: the one before the last (1 for a 1-D layer).</summary>
        public int Rows => Rank >= 2 ? Geometry.OutputSize[Rank - 2] : 1;

        /// <summary>Vector multiply-adds per sample, by which the widths are ordered.</summary>
        public long VectorProducts => (long)ColumnStarts.Length * (ShapeText.ElementCount(Geometry.OutputSize) / OutputColumns)
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

        private static int[] VectorStarts(int columns, int lanes)
        {
            if (columns <= lanes)
            {
                return new[] { 0 };
            }

            var starts = new List<int>();
            for (int start = 0; start + lanes <= columns; start += lanes)
            {
                starts.Add(start);
            }

            if (columns % lanes != 0)
            {
                starts.Add(columns - lanes);
            }

            return starts.ToArray();
        }
    }
}
