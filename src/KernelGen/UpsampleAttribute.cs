using System;

namespace KernelGen
{
    /// <summary>How <see cref="UpsampleAttribute"/> computes each output value, as PyTorch's <c>F.interpolate</c> modes.</summary>
    public enum UpsampleMode
    {
        /// <summary>PyTorch's <c>nearest</c>: the source index is <c>floor(dst * (1/scale))</c>.</summary>
        Nearest,

        /// <summary>PyTorch's <c>nearest-exact</c>: the source index is <c>floor((dst + 0.5) * (1/scale))</c>.</summary>
        NearestExact,

        /// <summary>PyTorch's <c>linear</c>, <c>bilinear</c> or <c>trilinear</c>, by rank.</summary>
        Linear,

        /// <summary>PyTorch's <c>bicubic</c> (A = -0.75); two spatial dimensions only, as in PyTorch.</summary>
        Cubic,
    }

    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's
    /// <c>F.interpolate(x, scale_factor=scale, mode=...)</c>, or, with neither <c>scale</c> nor <see cref="Scales"/>,
    /// <c>F.interpolate(x, size=..., mode=...)</c> to the output's <c>[Shape]</c> (larger or smaller on each axis; the
    /// source coordinate scale is then <c>in / out</c>, as PyTorch's). Parameters by position: an optional <c>int</c>
    /// batch count, the input <c>[C, spatial...]</c> and the output <c>[C, floor(spatial * scale)...]</c>, or of any size.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class UpsampleAttribute : Attribute
    {
        /// <summary>Scales given by <see cref="Scales"/>, or none: the output's <c>[Shape]</c> is then the size (PyTorch's <c>size=</c>).</summary>
        public UpsampleAttribute() { }

        /// <summary>The same scale factor on every spatial axis.</summary>
        public UpsampleAttribute(double scale) => Scale = scale;

        /// <summary>The scale factor on every spatial axis.</summary>
        public double Scale { get; }

        /// <summary>The scale factor per spatial axis, outermost first, replacing <see cref="Scale"/>.</summary>
        public double[]? Scales { get; set; }

        /// <summary>The interpolation mode; <see cref="UpsampleMode.Nearest"/> by default.</summary>
        public UpsampleMode Mode { get; set; }

        /// <summary>PyTorch's <c>align_corners</c>, for <see cref="UpsampleMode.Linear"/> and <see cref="UpsampleMode.Cubic"/> only.</summary>
        public bool AlignCorners { get; set; }
    }
}
