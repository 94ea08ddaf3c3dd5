using System.Collections.Generic;

namespace KernelGen.Generator.Emit
{
    /// <summary>One product of a fully unrolled sum: <c>input[InputIndex] * weight[WeightIndex]</c>, or <c>Coefficient * input[InputIndex]</c> when there is no weight.</summary>
    internal readonly struct Term
    {
        public Term(int inputIndex, int weightIndex, double coefficient)
        {
            InputIndex = inputIndex;
            WeightIndex = weightIndex;
            Coefficient = coefficient;
        }

        public int InputIndex { get; }

        /// <summary>The weight element, or -1 for a constant coefficient.</summary>
        public int WeightIndex { get; }

        public double Coefficient { get; }

        public static Term Weighted(int inputIndex, int weightIndex) => new(inputIndex, weightIndex, 1);

        public static Term Constant(int inputIndex, double coefficient) => new(inputIndex, -1, coefficient);
    }

    /// <summary>One statement of a fully unrolled kernel: <c>output[OutputIndex] = bias[BiasIndex] + terms...</c>.</summary>
    internal sealed class UnrolledOutput
    {
        public UnrolledOutput(int outputIndex, int biasIndex, List<Term> terms, string? comment = null)
        {
            OutputIndex = outputIndex;
            BiasIndex = biasIndex;
            Terms = terms;
            Comment = comment;
        }

        public int OutputIndex { get; }

        /// <summary>The bias element added first, or -1.</summary>
        public int BiasIndex { get; }

        public List<Term> Terms { get; }

        /// <summary>A comment written before the statement, such as the output row it starts.</summary>
        public string? Comment { get; }
    }
}
