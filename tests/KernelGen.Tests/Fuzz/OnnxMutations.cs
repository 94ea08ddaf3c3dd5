using System.Text;

namespace KernelGen.Tests.Fuzz;

/// <summary>
/// Hostile ONNX files: the zoo's models cut short, with bytes set, inserted and deleted, and with varints rewritten to
/// huge or negative values. The importer must import a file or refuse it with an <see cref="InvalidDataException"/>
/// (a file that is not valid ONNX) or an <c>ImportException</c> (a model it cannot write), naming the file; the run-time
/// weight reader likewise, with <see cref="InvalidDataException"/>. Any other exception is a failure.
/// </summary>
public static class OnnxMutations
{
    public static IEnumerable<(string Description, byte[] Bytes)> Generate(byte[] original, int count, int seed)
    {
        var rng = new Random(seed);
        for (int n = 0; n < count; n++)
        {
            byte[] bytes = original.ToArray();
            var what = new StringBuilder();
            int edits = rng.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                int at = rng.Next(Math.Max(1, bytes.Length));
                switch (rng.Next(6))
                {
                    case 0:
                        bytes = bytes[..at];
                        what.Append($"cut at {at}; ");
                        break;
                    case 1:
                        if (bytes.Length > 0)
                        {
                            bytes[at % bytes.Length] = (byte)rng.Next(256);
                            what.Append($"byte {at} set; ");
                        }

                        break;
                    case 2:
                        bytes = [.. bytes[..at], (byte)rng.Next(256), .. bytes[at..]];
                        what.Append($"byte inserted at {at}; ");
                        break;
                    case 3:
                        if (bytes.Length > 0)
                        {
                            bytes = [.. bytes[..at], .. bytes[Math.Min(bytes.Length, at + rng.Next(1, 9))..]];
                            what.Append($"bytes deleted at {at}; ");
                        }

                        break;
                    case 4:
                        // A varint of ten bytes: a huge or negative value for whatever field reads it.
                        byte[] huge = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, (byte)rng.Next(0, 2)];
                        bytes = [.. bytes[..at], .. huge, .. bytes[Math.Min(bytes.Length, at + 1)..]];
                        what.Append($"huge varint at {at}; ");
                        break;
                    default:
                        if (bytes.Length > 1)
                        {
                            // A small value where a dimension, a stride or a count may be read: 0, 1 or 2.
                            bytes[at % bytes.Length] = (byte)rng.Next(0, 3);
                            what.Append($"small byte at {at}; ");
                        }

                        break;
                }
            }

            yield return (what.ToString(), bytes);
        }
    }
}
