using System.Collections.Generic;
using System.Linq;

namespace KernelGen.Import
{
    /// <summary>
    /// Places the tensors between layers in one workspace by their lifetimes, as TVM's and tfcompile's planners do: a
    /// tensor lives from the layer that writes it to the last layer that reads it (through any reshape of it), and takes
    /// the lowest offset where it overlaps no tensor alive at the same time (first fit by offset). The model's input
    /// and output are the caller's spans, not in the workspace; the parts of a Concat are in its buffer.
    /// </summary>
    public static class WorkspacePlanner
    {
        /// <returns>The workspace's length and the sum of the tensors' lengths, per sample.</returns>
        public static (int Workspace, int Tensors) Place(IReadOnlyList<ImportedLayer> layers)
        {
            var first = new Dictionary<ImportedTensor, int>();
            var last = new Dictionary<ImportedTensor, int>();
            // A tensor's memory is its storage: itself, or the Concat whose part it is, which so lives from the first of
            // its parts written to the last read of it or of any part.
            for (int i = 0; i < layers.Count; i++)
            {
                ImportedLayer layer = layers[i];
                foreach (ImportedTensor touched in new[] { layer.Input, layer.Other, layer.Residual, layer.Output }.Where(t => t is not null).Select(t => t!.Storage))
                {
                    first.TryAdd(touched, i);
                    last[touched] = i;
                }
            }

            var placed = new List<(int Offset, int Length, int Last)>();
            int workspace = 0, tensors = 0;
            foreach (ImportedTensor tensor in first.OrderBy(p => p.Value).Select(p => p.Key).Where(t => !t.IsModelInput && !t.IsModelOutput).ToArray())
            {
                int born = first[tensor];
                placed.RemoveAll(p => p.Last < born);
                int offset = 0;
                foreach (var p in placed.OrderBy(p => p.Offset))
                {
                    if (offset + tensor.Length <= p.Offset)
                    {
                        break;
                    }

                    offset = System.Math.Max(offset, p.Offset + p.Length);
                }

                tensor.Offset = offset;
                placed.Add((offset, tensor.Length, last[tensor]));
                workspace = System.Math.Max(workspace, offset + tensor.Length);
                tensors += tensor.Length;
            }

            return (workspace, tensors);
        }
    }
}
