using System;
using System.Collections.Generic;
using System.Linq;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators
{
    /// <summary>The <c>Activation</c> and <c>NegativeSlope</c> arguments every weighted operator's attribute (and <c>[Activate]</c>) takes, read and checked.</summary>
    internal static class ActivationParameters
    {
        /// <summary>Null, with KG0003, for an activation that is not a member, a slope that is not finite, or a slope without LeakyRelu.</summary>
        /// <param name="argument">The argument that names the activation: the property <c>Activation</c>, or <c>[Activate]</c>'s constructor parameter.</param>
        public static ActivationSpec? Read(AttributeArguments args, List<DiagnosticInfo> diagnostics, string argument = "Activation")
        {
            int value = args.GetEnum(argument, 0);
            if (!Enum.IsDefined(typeof(ActivationKind), value))
            {
                string members = string.Join(", ", Enum.GetNames(typeof(ActivationKind)));
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf(argument), "Activation", "one of " + members, value));
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
