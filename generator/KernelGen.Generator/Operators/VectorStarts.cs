using System;
using System.Linq;

namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// Where each vector of a run of outputs starts: every <c>lanes</c>-th column, then, when the run is not a whole
    /// number of vectors, one that ends at its end and overlaps the one before; a run no longer than a vector is one
    /// vector at 0. Computed rather than listed, so that the generator's memory does not grow with the run (a 1-D layer
    /// of 2^29 columns listed 33 million starts per vector width).
    /// </summary>
    internal readonly struct VectorStarts
    {
        private readonly int _columns;
        private readonly int _lanes;

        public VectorStarts(int columns, int lanes)
        {
            _columns = columns;
            _lanes = lanes;
        }

        /// <summary>How many vectors cover the run.</summary>
        public int Count => _columns <= _lanes ? 1 : (_columns / _lanes) + (_columns % _lanes != 0 ? 1 : 0);

        /// <summary>How many of the first starts are <c>i * lanes</c>: all but an overlapping last one.</summary>
        public int Uniform => _columns <= _lanes ? 1 : _columns / _lanes;

        public int this[int index] => index < Uniform ? index * _lanes : _columns - _lanes;

        /// <summary>Up to <paramref name="count"/> starts from <paramref name="first"/>.</summary>
        public int[] Slice(int first, int count)
        {
            VectorStarts starts = this;
            return Enumerable.Range(first, Math.Min(count, Count - first)).Select(i => starts[i]).ToArray();
        }
    }
}
