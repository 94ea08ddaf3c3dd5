namespace KernelGen
{
    /// <summary>
    /// What a convolution reads past the input's edges, as PyTorch's <c>padding_mode</c>: every mode but
    /// <see cref="Zeros"/> is <c>F.pad(input, mode=...)</c> followed by the convolution without padding.
    /// </summary>
    public enum PaddingMode
    {
        /// <summary>Zeros (PyTorch's default): a tap on the padding adds nothing.</summary>
        Zeros = 0,

        /// <summary>The input mirrored at each edge without repeating the edge (<c>'reflect'</c>: d c b | a b c d | c b a); the pad must be less than the size.</summary>
        Reflect = 1,

        /// <summary>The edge value repeated (<c>'replicate'</c>: a a a | a b c d | d d d).</summary>
        Replicate = 2,

        /// <summary>The input wrapped around (<c>'circular'</c>: b c d | a b c d | a b c); the pad must be at most the size.</summary>
        Circular = 3,
    }
}
