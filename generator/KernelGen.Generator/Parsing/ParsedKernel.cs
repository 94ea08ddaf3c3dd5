using KernelGen.Generator.Model;

namespace KernelGen.Generator.Parsing
{
    /// <summary>
    /// A kernel method read from the compilation, with the locations its diagnostics point at. Lives only inside one
    /// transform: the pipeline caches the <see cref="KernelResult"/> built from it, never this.
    /// </summary>
    internal sealed class ParsedKernel
    {
        public ParsedKernel(KernelSignature signature, AttributeArguments attribute, LocationInfo? inputShapeLocation, LocationInfo? outputShapeLocation,
            LocationInfo? otherShapeLocation = null)
        {
            OtherShapeLocation = otherShapeLocation;
            Signature = signature;
            Attribute = attribute;
            InputShapeLocation = inputShapeLocation;
            OutputShapeLocation = outputShapeLocation;
        }

        public KernelSignature Signature { get; }

        public AttributeArguments Attribute { get; }

        public LocationInfo? InputShapeLocation { get; }

        public LocationInfo? OutputShapeLocation { get; }

        /// <summary>Where the second operand's [Shape] is, for an element-wise operator that has one.</summary>
        public LocationInfo? OtherShapeLocation { get; }
    }
}
