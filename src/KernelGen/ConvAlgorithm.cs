namespace KernelGen
{
    /// <summary>
    /// How a <see cref="ConvAttribute"/> kernel computes its sums. Winograd's minimal filtering does fewer
    /// multiplications than direct convolution on stride-1 3x3 layers, at the price of an error a few times larger
    /// (documented per tile size in the package README); results then differ from PyTorch's in the last bits.
    /// </summary>
    public enum ConvAlgorithm
    {
        /// <summary>The generator chooses from the shape: Winograd where it is expected to be faster and its error bound holds, else direct.</summary>
        Auto = 0,

        /// <summary>Direct convolution always: the sums PyTorch computes, to the last bits where PyTorch's are.</summary>
        Direct = 1,

        /// <summary>Winograd wherever it applies (a compile error, KG0020, names why where it does not).</summary>
        Winograd = 2,
    }
}
