using System;
using System.Collections.Generic;
using System.Globalization;
using KernelGen.Generator.Diagnostics;
using KernelGen.Generator.Model;
using KernelGen.Generator.Parsing;

namespace KernelGen.Generator.Operators
{
    /// <summary>
    /// The <c>Activation</c> argument every attribute with an activation takes (<c>[Activate]</c>'s constructor
    /// parameter included) and the activations' constants (<c>NegativeSlope</c>, <c>Alpha</c>, <c>Min</c>, <c>Max</c>), read
    /// and checked by one rule: each constant belongs to one activation and is a compile error beside any other.
    /// </summary>
    internal static class ActivationParameters
    {
        /// <summary>A constant of one activation: its property, the activation it belongs to, and which values it may take.</summary>
        private sealed record Constant(string Property, ActivationKind Owner, double Default, bool InfinityAllowed);

        private static readonly Constant[] Constants =
        {
            new("NegativeSlope", ActivationKind.LeakyRelu, 0.01, InfinityAllowed: false),
            new("Alpha", ActivationKind.Elu, 1.0, InfinityAllowed: false),
            new("Min", ActivationKind.Clamp, double.NegativeInfinity, InfinityAllowed: true),
            new("Max", ActivationKind.Clamp, double.PositiveInfinity, InfinityAllowed: true),
        };

        /// <summary>
        /// Null, with KG0003, for an activation that is not a member, a constant that is NaN (or infinite where a bound
        /// is not meant), a constant given beside another activation, or a Clamp without a bound or with Min above Max.
        /// </summary>
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
            var values = new Dictionary<string, double>();
            foreach (Constant constant in Constants)
            {
                double given = args.GetDouble(constant.Property, constant.Default);
                if (double.IsNaN(given) || (!constant.InfinityAllowed && double.IsInfinity(given)))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf(constant.Property), constant.Property,
                        constant.InfinityAllowed ? "a number" : "finite", given));
                    return null;
                }

                if (args.IsWritten(constant.Property) && kind != constant.Owner)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf(constant.Property), constant.Property,
                        $"given only with Activation = Activation.{constant.Owner}", $"given with Activation.{kind}"));
                    return null;
                }

                values[constant.Property] = given;
            }

            var spec = new ActivationSpec(kind, values["NegativeSlope"]) { Alpha = values["Alpha"], Min = values["Min"], Max = values["Max"] };
            if (kind == ActivationKind.Clamp && !args.IsWritten("Min") && !args.IsWritten("Max"))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf(argument), "Activation.Clamp",
                    "given with Min, Max or both", "given with neither"));
                return null;
            }

            if (spec.Min > spec.Max)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidParameter, args.LocationOf("Min"), "Min",
                    "at most Max = " + Convert.ToString(spec.Max, CultureInfo.InvariantCulture), spec.Min));
                return null;
            }

            return spec;
        }
    }
}
