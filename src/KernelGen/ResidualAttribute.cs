using System;

namespace KernelGen
{
    /// <summary>
    /// Marks the residual of a <c>[Conv]</c>, <c>[ConvTranspose]</c>, <c>[Conv1x1]</c> or <c>[Linear]</c> kernel: a span of the output's
    /// shape, after the bias and before PReLU's slopes and the output, added to the layer's result before the activation:
    /// <c>output = activation(layer(input) + bias + residual)</c>, as ResNet's <c>relu(conv(x) + identity)</c> and
    /// MobileNetV2's <c>conv(x) + x</c>. It may be the input's memory; it may not overlap the output, which the layer
    /// writes before it reads the residual.
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class ResidualAttribute : Attribute
    {
    }
}
