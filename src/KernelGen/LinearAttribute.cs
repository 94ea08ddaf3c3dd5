using System;

namespace KernelGen
{
    /// <summary>
    /// Generates the body of a <c>static partial void</c> method as PyTorch's <c>F.linear</c> (<c>nn.Linear</c>, ONNX's
    /// <c>Gemm</c> with a constant weight): <c>output = input * weight^T + bias</c>, then <see cref="Activation"/>. Parameters by
    /// position: an optional <c>int</c> batch count, the input <c>[in]</c>, the weight <c>[out, in]</c> (PyTorch's layout),
    /// an optional bias <c>[out]</c>, an optional <c>[Residual]</c> of the output's shape, and the output <c>[out]</c>. With
    /// a batch, the samples are the rows of one matrix product (<c>[batch, in]</c> times the weight), the weight read once
    /// per block of rows rather than once per sample.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class LinearAttribute : FusedActivationAttribute
    {
        /// <summary>The activation applied to every output element before it is stored (<see cref="KernelGen.Activation.None"/> by default).</summary>
        public Activation Activation { get; set; }
    }
}
