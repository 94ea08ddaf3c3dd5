using Microsoft.CodeAnalysis;

namespace KernelGen.Generator.Diagnostics
{
    /// <summary>
    /// Every diagnostic KernelGen reports. All are errors: a kernel that would compute the wrong thing, or nothing,
    /// must not build. The table in the package's README (src/KernelGen/README.md) lists them; keep both in step.
    /// No help link: KernelGen has no published page for them yet, and a link must lead somewhere that exists.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "KernelGen";

        /// <summary>KG0001: "The output shape [1, 4, 4] of 'Deconv' does not match the computed shape [1, 5, 5]: H: ..."</summary>
        public static readonly DiagnosticDescriptor OutputShapeMismatch = Create(
            "KG0001", "Output shape does not match the operator",
            "The output shape {0} of '{1}' does not match the computed shape {2}: {3}");

        /// <summary>KG0002: "'Deconv' would produce an empty output: H: (1 - 1)*1 - 2*2 + 3 = -1"</summary>
        public static readonly DiagnosticDescriptor EmptyOutput = Create(
            "KG0002", "Output size is zero or negative",
            "'{0}' would produce an empty output: {1}");

        /// <summary>KG0003: "Stride must be at least 1, but is 0"</summary>
        public static readonly DiagnosticDescriptor InvalidParameter = Create(
            "KG0003", "Invalid operator parameter",
            "{0} must be {1}, but is {2}");

        /// <summary>KG0004: "Output padding 2 on axis W must be smaller than the stride 2 or the dilation 1"</summary>
        public static readonly DiagnosticDescriptor OutputPaddingTooLarge = Create(
            "KG0004", "Output padding too large",
            "Output padding {0} on axis {1} must be smaller than the stride {2} or the dilation {3}");

        /// <summary>KG0005: "Groups 3 must divide both the input channels 4 and the output channels 6"</summary>
        public static readonly DiagnosticDescriptor GroupsDoNotDivide = Create(
            "KG0005", "Groups do not divide the channels",
            "Groups {0} must divide both the input channels {1} and the output channels {2}");

        /// <summary>KG0006: "Parameter 'input' needs a [Shape(...)] attribute with its dimensions, channels first"</summary>
        public static readonly DiagnosticDescriptor MissingShape = Create(
            "KG0006", "Missing [Shape]",
            "Parameter '{0}' needs a [Shape(...)] attribute with its dimensions, channels first");

        /// <summary>KG0007: "The [Shape] of 'output' has 5 dimensions; a kernel buffer has channels and 1 to 3 spatial dimensions"</summary>
        public static readonly DiagnosticDescriptor InvalidShape = Create(
            "KG0007", "Invalid [Shape]",
            "The [Shape] of '{0}' {1}");

        /// <summary>KG0008: "Kernel method 'Deconv' must be a static partial void method declaration without a body"</summary>
        public static readonly DiagnosticDescriptor InvalidMethod = Create(
            "KG0008", "Invalid kernel method",
            "Kernel method '{0}' must be {1}");

        // KG0009 ("containing type is not partial") is retired, and its ID is not reused: the generated part reopens the
        // type as partial, so the compiler reports CS0260 once per type at the declaration that lacks 'partial', which
        // is the one error that mistake gets (a KernelGen error beside it would be a second).

        /// <summary>KG0010: "Parameter 'weight' must be a ReadOnlySpan&lt;float&gt; ..." (wrong kind, order, count or element type)</summary>
        public static readonly DiagnosticDescriptor InvalidParameters = Create(
            "KG0010", "Invalid kernel parameters",
            "{0}");

        /// <summary>KG0011: "The [Shape] [70000, 70000] of 'input' has 4900000000 elements, more than int.MaxValue"</summary>
        public static readonly DiagnosticDescriptor ShapeTooLarge = Create(
            "KG0011", "Shape too large",
            "The {0} of '{1}' has {2} elements, more than {3}");

        /// <summary>KG0011's limit for a span: what a buffer, a shape or a weight may not pass.</summary>
        public const string SpanLimit = "int.MaxValue (2147483647)";

        /// <summary>KG0011's limit for an array the kernel holds (an upsampling table).</summary>
        public const string ArrayLimit = ".NET's largest array (2147483591)";

        /// <summary>KG0012: "Strides gives 3 values, but the [Shape] has 2 spatial dimensions"</summary>
        public static readonly DiagnosticDescriptor PerAxisCountMismatch = Create(
            "KG0012", "Per-axis value count does not match the rank",
            "{0} gives {1} values, but the [Shape] has {2} spatial dimensions");

        /// <summary>KG0013: "AlignCorners applies to Linear and Cubic only; PyTorch rejects align_corners with mode 'nearest'"</summary>
        public static readonly DiagnosticDescriptor AlignCornersWithNearest = Create(
            "KG0013", "AlignCorners with a nearest mode",
            "AlignCorners applies to Linear and Cubic only; PyTorch rejects align_corners with mode '{0}'");

        /// <summary>KG0014: "Cubic upsampling needs 2 spatial dimensions (PyTorch's bicubic); the [Shape] has 3"</summary>
        public static readonly DiagnosticDescriptor UnsupportedRank = Create(
            "KG0014", "Mode not supported at this rank",
            "{0} upsampling needs 2 spatial dimensions (PyTorch's bicubic); the [Shape] has {1}");

        /// <summary>KG0015: "'Up' carries more than one kernel attribute, [Upsample] and [Conv1x1]; keep one"</summary>
        public static readonly DiagnosticDescriptor MultipleKernelAttributes = Create(
            "KG0015", "More than one kernel attribute",
            "'{0}' carries more than one kernel attribute, {1}; keep one");

        /// <summary>KG0016: "Kernel method 'Deconv' is overloaded; give each kernel a name of its own"</summary>
        public static readonly DiagnosticDescriptor OverloadedKernel = Create(
            "KG0016", "Overloaded kernel method",
            "Kernel method '{0}' is overloaded; give each kernel a name of its own, its generated members are named after it");

        /// <summary>KG0017: "Kernel 'Up' cannot be generated: 'UpLengths' already exists, ..."</summary>
        public static readonly DiagnosticDescriptor GeneratedNameClash = Create(
            "KG0017", "A name KernelGen generates is already taken",
            "Kernel '{0}' cannot be generated: '{1}' already exists in its type, and KernelGen generates {2} for this kernel; rename the kernel or that member");

        /// <summary>KG0018: "Type 'Layers' that contains kernel method 'Up' is file-local ('file'): ..."</summary>
        public static readonly DiagnosticDescriptor UnsupportedContainingType = Create(
            "KG0018", "Containing type cannot hold a generated kernel",
            "Type '{0}' that contains kernel method '{1}' {2}; declare the kernel in another type");

        /// <summary>KG0019: "Argument 'output' of 'Up2' has 1024 elements (new float[1024]); the kernel writes 2048 = [32, 8, 8]" (the call-site analyzer)</summary>
        public static readonly DiagnosticDescriptor ArgumentLengthMismatch = Create(
            "KG0019", "Argument length does not match the kernel",
            "Argument '{0}' of '{1}' has {2} ({3}); the kernel {4}");

        /// <summary>KG0020: "Algorithm = ConvAlgorithm.Winograd needs a 3x3 window; this convolution has a 5x5 window" (a forced algorithm that does not apply)</summary>
        public static readonly DiagnosticDescriptor WinogradDoesNotApply = Create(
            "KG0020", "Winograd does not apply to this convolution",
            "Algorithm = ConvAlgorithm.Winograd needs {0}; this convolution has {1}. Remove Algorithm or set it to ConvAlgorithm.Auto or ConvAlgorithm.Direct");

        /// <summary>KG9999: "KernelGen failed on this declaration (...); please report it". A bug in KernelGen, never in the user's code.</summary>
        public static readonly DiagnosticDescriptor InternalError = Create(
            "KG9999", "KernelGen internal error",
            "KernelGen failed on this declaration ({0}); no code was generated, please report it");

        private static DiagnosticDescriptor Create(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
    }
}
