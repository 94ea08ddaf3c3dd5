using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators
{
    /// <summary>The <c>Activation</c> and <c>NegativeSlope</c> arguments every weighted operator's attribute takes, read and checked.</summary>
    internal static class ActivationParameters
    {
        /// <summary>Null, with KG0003, for an activation that is not a member, a slope that is not finite, or a slope without LeakyRelu.</summary>
        public static ActivationSpec? Read(AttributeArguments args, List<DiagnosticInfo> diagnostics)
        {
            int value = args.GetEnum("Activation", 0);
            if (!Enum.IsDefined(typeof(ActivationKind), value))
            {
                string members = string.Join(", ", Enum.GetNames(typeof(ActivationKind)));
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("Activation"), "Activation", "one of " + members, value));
                return null;
            }

            var kind = (ActivationKind)value;
            double slope = args.GetDouble("NegativeSlope", 0.01);
            if (double.IsNaN(slope) || double.IsInfinity(slope))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("NegativeSlope"), "NegativeSlope", "finite", slope));
                return null;
            }

            if (args.IsWritten("NegativeSlope") && kind != ActivationKind.LeakyRelu)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("NegativeSlope"), "NegativeSlope",
                    "given only with Activation = Activation.LeakyRelu", $"given with Activation.{kind}"));
                return null;
            }

            return new ActivationSpec(kind, slope);
        }
    }
}
