using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace KernelGen.Import
{
    /// <summary>
    /// Maps an ONNX graph onto KernelGen's kernels, node by node in the graph's order: each operator becomes a layer, or
    /// folds into the layer before it (a batch norm into the weights, an activation into the epilogue, an addition into
    /// a convolution as its residual), or is a new name for a buffer (Flatten, Reshape, Identity, Dropout), or is computed
    /// now (constants and the shape arithmetic exporters write). Anything else is an <see cref="ImportException"/> naming
    /// the node. Then the tensors are placed in one workspace by their lifetimes (<see cref="WorkspacePlanner"/>).
    /// </summary>
    public sealed class ModelImporter
    {
        private readonly OnnxGraph _graph;
        private readonly Dictionary<string, ImportedTensor> _tensors = new(StringComparer.Ordinal);
        private readonly Dictionary<string, OnnxTensor> _constants = new(StringComparer.Ordinal);
        /// <summary>
        /// For each constant the model's file holds as it is (an initializer, a Constant node's value, or one of those
        /// under new dimensions of 1 or a new name), the name <see cref="KernelGen.OnnxWeights"/> finds it by at Load.
        /// </summary>
        private readonly Dictionary<string, string> _stored = new(StringComparer.Ordinal);
        private readonly Dictionary<ImportedTensor, ImportedLayer> _producers = new();
        private readonly List<ImportedLayer> _layers = new();
        private readonly Dictionary<string, int> _readers = new(StringComparer.Ordinal);
        /// <summary>Pads waiting for the convolution that reads them: the padded tensor's name, its source and the pads per spatial axis.</summary>
        private readonly Dictionary<string, (ImportedTensor Source, int[] Begin, int[] End, string Mode)> _pads = new(StringComparer.Ordinal);
        private bool _dynamicBatch;
        private int _batch = 1;

        private ModelImporter(OnnxGraph graph)
        {
            _graph = graph;
            foreach (OnnxTensor initializer in graph.Initializers.Values)
            {
                _constants[initializer.Name] = initializer;
                _stored[initializer.Name] = initializer.Name;
            }

            foreach (OnnxNode node in graph.Nodes)
            {
                foreach (string input in node.Inputs.Where(i => i.Length > 0))
                {
                    _readers[input] = _readers.TryGetValue(input, out int n) ? n + 1 : 1;
                }
            }
        }

        public static ImportedModel Import(OnnxGraph graph) => new ModelImporter(graph).Run();

        private ImportedModel Run()
        {
            if (_graph.Inputs.Count == 0 || _graph.Outputs.Count == 0)
            {
                throw new ImportException($"{_graph.File}: the model has {_graph.Inputs.Count} input(s) and {_graph.Outputs.Count} output(s); a model needs at least one of each.");
            }

            // Every input is float with fixed dimensions after the batch, which is symbolic in all of them or the same size in all.
            foreach (OnnxValue input in _graph.Inputs)
            {
                if (input.ElementType != 1)
                {
                    throw new ImportException($"{_graph.File}: input '{input.Name}' has ONNX element type {input.ElementType}; KernelGen's models take float (1).");
                }

                if (input.Dims.Count < 2 || input.Dims.Skip(1).Any(d => d is null or < 1 or > int.MaxValue) || input.Dims[0] is < 1 or > int.MaxValue
                    || input.Dims.Skip(1).Aggregate(1.0, (a, d) => a * d!.Value) > int.MaxValue)
                {
                    string dims = string.Join(", ", input.Dims.Select((d, i) => d?.ToString(CultureInfo.InvariantCulture) ?? input.Symbols[i] ?? "?"));
                    throw new ImportException($"{_graph.File}: input '{input.Name}' has shape [{dims}]; every dimension but the batch (the first) must be a fixed size, and a sample must fit in a span.");
                }
            }

            if (_graph.Inputs.Select(i => i.Dims[0]).Distinct().Count() > 1)
            {
                throw new ImportException($"{_graph.File}: the inputs' batch dimensions differ ({string.Join(", ", _graph.Inputs.Select(i => $"'{i.Name}' {i.Dims[0]?.ToString(CultureInfo.InvariantCulture) ?? "symbolic"}"))}); KernelGen runs one batch through every input.");
            }

            bool dynamicBatch = _graph.Inputs[0].Dims[0] is null;
            int batch = (int)(_graph.Inputs[0].Dims[0] ?? 1);
            (_dynamicBatch, _batch) = (dynamicBatch, batch);
            string[] inputParameters = ParameterNames("input", _graph.Inputs.Select(i => i.Name).ToArray());
            var inputs = new List<ImportedTensor>();
            for (int i = 0; i < _graph.Inputs.Count; i++)
            {
                OnnxValue input = _graph.Inputs[i];
                var modelInput = new ImportedTensor(input.Name, input.Dims.Skip(1).Select(d => checked((int)d!.Value)).ToArray()) { IsModelInput = true, Parameter = inputParameters[i] };
                modelInput.Root = modelInput;
                _tensors[input.Name] = modelInput;
                inputs.Add(modelInput);
            }

            foreach (OnnxNode node in _graph.Nodes)
            {
                ImportNode(node);
            }

            // Each output is a buffer of its own that a layer writes: the caller's span of that name.
            string[] outputParameters = ParameterNames("output", _graph.Outputs.Select(o => o.Name).ToArray());
            var outputs = new List<ImportedTensor>();
            for (int i = 0; i < _graph.Outputs.Count; i++)
            {
                string outputName = _graph.Outputs[i].Name;
                if (!_tensors.TryGetValue(outputName, out ImportedTensor? output))
                {
                    throw new ImportException($"{_graph.File}: output '{outputName}' is not computed by the model (it is a constant, or no node writes it).");
                }

                // An output no layer writes into a span of its own is copied there: the model's input passed through, a
                // part of a Concat or a slice of channels, or a tensor that is another output too.
                if (output.Root.IsModelInput || output.Root.IsModelOutput || output.IsView)
                {
                    OnnxNode last = _graph.Nodes.LastOrDefault(n => n.Outputs.Contains(outputName)) ?? _graph.Nodes.LastOrDefault()
                        ?? throw new ImportException($"{_graph.File}: the model has no nodes; its output '{outputName}' is its input.");
                    output = Copy(last, output, outputName + " (copied into the output)", $"copies '{outputName}' into the output span");
                }

                output.Root.IsModelOutput = true;
                output.Root.Parameter = outputParameters[i];
                outputs.Add(output);
            }

            (int workspace, int tensors) = WorkspacePlanner.Place(_layers);
            return new ImportedModel(_graph.File, inputs, outputs, _layers, batch, dynamicBatch, workspace, tensors);
        }

        /// <summary>
        /// The Run parameters of the model's inputs or outputs: <c>input</c> and <c>output</c> when there is one, and
        /// otherwise the word and the ONNX name in Pascal case (<c>inputImage</c>, <c>outputMask</c>: never a C# keyword),
        /// numbered where a name has no letters or digits or two names meet.
        /// </summary>
        private static string[] ParameterNames(string word, string[] onnxNames)
        {
            if (onnxNames.Length == 1)
            {
                return new[] { word };
            }

            var taken = new HashSet<string>(StringComparer.Ordinal);
            return onnxNames.Select((name, i) =>
            {
                // ASCII letters and digits, each run of them capitalized: "mel_spec" is MelSpec, "image:0" Image0.
                var pascal = new System.Text.StringBuilder();
                bool start = true;
                foreach (char c in name)
                {
                    bool keep = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9';
                    pascal.Append(keep ? (start ? char.ToUpperInvariant(c) : c).ToString() : string.Empty);
                    start = !keep;
                }

                string candidate = word + (pascal.Length == 0 ? i.ToString(CultureInfo.InvariantCulture) : pascal);
                return taken.Add(candidate) ? candidate : Unique(candidate + i.ToString(CultureInfo.InvariantCulture));
            }).ToArray();

            string Unique(string candidate)
            {
                while (!taken.Add(candidate))
                {
                    candidate += "_";
                }

                return candidate;
            }
        }

        private void ImportNode(OnnxNode node)
        {
            if (node.Domain is not ("" or "ai.onnx"))
            {
                throw Unsupported(node, $"its domain '{node.Domain}' is not ONNX's default");
            }

            if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0)
            {
                throw Unsupported(node, "it has no output");
            }

            if (node.Inputs.Where(i => i.Length > 0).All(IsConstant) && (TryRename(node) || TryFold(node)))
            {
                return;
            }

            switch (node.OpType)
            {
                case "Shape":
                    // A computed tensor's shape is known here but for a symbolic batch, which a reshape reads as "the batch".
                    ImportedTensor shaped = Tensor(node, 0);
                    double[] dims = new[] { -1.0 }.Concat(shaped.Shape.Select(d => (double)d)).ToArray();
                    _constants[node.Outputs[0]] = new OnnxTensor(node.Outputs[0], 7, new long[] { dims.Length }, dims);
                    break;
                case "Identity" or "Dropout":
                    Alias(node, Tensor(node, 0), Tensor(node, 0).Shape);
                    break;
                case "Flatten":
                    ImportFlatten(node);
                    break;
                case "Reshape":
                    ImportReshape(node);
                    break;
                case "Conv":
                    ImportConv(node);
                    break;
                case "ConvTranspose":
                    ImportConvTranspose(node);
                    break;
                case "BatchNormalization":
                    ImportBatchNorm(node);
                    break;
                case "Gemm" or "MatMul":
                    ImportLinear(node);
                    break;
                case "MaxPool" or "AveragePool":
                    ImportPool(node);
                    break;
                case "GlobalAveragePool" or "GlobalMaxPool":
                    ImportGlobalPool(node);
                    break;
                case "ReduceMean" or "ReduceMax":
                    ImportReduce(node);
                    break;
                case "Add" or "Mul" or "Sub" or "Div":
                    ImportBinary(node);
                    break;
                case "Concat":
                    ImportConcat(node);
                    break;
                case "Slice":
                    ImportSlice(node);
                    break;
                case "Split":
                    ImportSplit(node);
                    break;
                case "Pad":
                    ImportPad(node);
                    break;
                case "DepthToSpace" or "SpaceToDepth":
                    ImportDepthToSpace(node);
                    break;
                case "Resize" or "Upsample":
                    ImportResize(node);
                    break;
                case "InstanceNormalization":
                    ImportInstanceNorm(node);
                    break;
                case "PRelu":
                    ImportPRelu(node);
                    break;
                case "Softmax" or "LogSoftmax":
                    ImportSoftmax(node);
                    break;
                default:
                    if (ActivationOf(node) is { } activation)
                    {
                        ImportActivation(node, activation);
                        break;
                    }

                    throw Unsupported(node, "KernelGen has no kernel for this operator; supported: Conv, ConvTranspose, Gemm, MatMul (constant weight), BatchNormalization (after one of those), "
                        + "MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, ReduceMean and ReduceMax over space, Add, Mul, Sub and Div by a scalar, Concat, Slice and Split (channels), Pad (into the convolution after it), DepthToSpace, SpaceToDepth, Resize, Upsample, InstanceNormalization, PRelu, Softmax and LogSoftmax over the channels, "
                        + "Relu, LeakyRelu, Sigmoid, Tanh, Clip, HardSigmoid, HardSwish, Elu, Softplus, Flatten, Reshape, Identity, Dropout, and constant shape arithmetic");
            }
        }

        // ----- tensors and attributes -----

        private bool IsConstant(string name) => _constants.ContainsKey(name) || (name.Length > 0 && !_tensors.ContainsKey(name) && _graph.Initializers.ContainsKey(name));

        private ImportedTensor Tensor(OnnxNode node, int index)
        {
            string name = index < node.Inputs.Count ? node.Inputs[index] : string.Empty;
            if (_tensors.TryGetValue(name, out ImportedTensor? tensor))
            {
                return tensor;
            }

            if (_pads.ContainsKey(name))
            {
                throw Unsupported(node, $"its input '{name}' is padded by a Pad, which KernelGen folds only into the convolution that reads it");
            }

            throw Unsupported(node, name.Length == 0 ? $"its input {index + 1} is missing" : $"its input '{name}' is a constant where KernelGen needs a tensor computed by the model");
        }

        private OnnxTensor? Constant(OnnxNode node, int index) =>
            index < node.Inputs.Count && node.Inputs[index].Length > 0 && _constants.TryGetValue(node.Inputs[index], out OnnxTensor? c) ? c : null;

        /// <summary>
        /// Integers an operator takes as an attribute before opset <paramref name="inputSince"/> and as constant input
        /// <paramref name="input"/> from it on (Slice's starts, ends, axes and steps from 10; Unsqueeze's, Squeeze's axes
        /// and Split's sizes from 13; ReduceMean's axes from 18); null when absent or not a constant. Values past long
        /// saturate.
        /// </summary>
        private long[]? IntsByOpset(OnnxNode node, int input, string attribute, int inputSince) =>
            _graph.Opset >= inputSince
                ? Constant(node, input)?.Values?.Select(v => (long)Math.Max(long.MinValue, Math.Min(long.MaxValue, v))).ToArray()
                : node.Attributes.TryGetValue(attribute, out OnnxAttribute? a) ? a.Ints?.ToArray() : null;

        /// <summary>The Pad waiting for the node's input (<see cref="ImportPad"/>), to fold into the node's own padding, or null.</summary>
        private (ImportedTensor Source, int[] Begin, int[] End, string Mode)? PendingPad(OnnxNode node) =>
            _pads.TryGetValue(node.Inputs.Count > 0 ? node.Inputs[0] : string.Empty, out var pad) ? pad : null;

        /// <summary>The Pad node that writes the node's input, named first in the comment of the layer it folds into.</summary>
        private OnnxNode PadNode(OnnxNode node) => _graph.Nodes.First(n => n.Outputs.Count > 0 && n.Outputs[0] == node.Inputs[0]);

        /// <summary>
        /// The name a constant operand (a weight, a bias, a slope, ...) is stored under in the model's file, which the
        /// generated Load reads it by; an error when it is computed from other constants, since the file does not hold it.
        /// </summary>
        private string Initializer(OnnxNode node, int index, string what)
        {
            string name = index < node.Inputs.Count ? node.Inputs[index] : string.Empty;
            if (_stored.TryGetValue(name, out string? stored))
            {
                return stored;
            }

            throw Unsupported(node, _constants.ContainsKey(name)
                ? $"its {what} ('{name}') is computed from other constants, and KernelGen reads weights as the model's file stores them (initializers and Constant nodes)"
                : $"its {what} ('{name}') is not a constant; KernelGen reads weights from the model's initializers and Constant nodes");
        }

        /// <summary>The dims of constant input <paramref name="index"/> as the graph sees it (after any reshape of the stored tensor).</summary>
        private IReadOnlyList<long> ConstantDims(OnnxNode node, int index) => _constants[node.Inputs[index]].Dims;

        private ImportedTensor NewTensor(OnnxNode node, int[] shape, int output = 0)
        {
            if (shape.Any(d => d < 1))
            {
                throw Unsupported(node, $"its output would have shape [{string.Join(", ", shape)}]");
            }

            var tensor = new ImportedTensor(node.Outputs[output], shape);
            tensor.Root = tensor;
            _tensors[tensor.OnnxName] = tensor;
            return tensor;
        }

        private void Alias(OnnxNode node, ImportedTensor source, int[] shape)
        {
            if (shape.Aggregate(1L, (a, b) => a * b) != source.Length)
            {
                throw Unsupported(node, $"it reshapes [{string.Join(", ", source.Shape)}] into [{string.Join(", ", shape)}], of another size");
            }

            var tensor = new ImportedTensor(node.Outputs[0], shape) { Root = source.Root };
            _tensors[tensor.OnnxName] = tensor;
        }

        private static long Int(OnnxNode node, string name, long fallback) => node.Attributes.TryGetValue(name, out OnnxAttribute? a) && a.Int is { } v ? v : fallback;

        private static float Float(OnnxNode node, string name, float fallback) => node.Attributes.TryGetValue(name, out OnnxAttribute? a) && a.Float is { } v ? v : fallback;

        private static string String(OnnxNode node, string name, string fallback) => node.Attributes.TryGetValue(name, out OnnxAttribute? a) && a.String is { } v ? v : fallback;

        private int[] Ints(OnnxNode node, string name, int[] fallback)
        {
            if (!node.Attributes.TryGetValue(name, out OnnxAttribute? a) || a.Ints is not { } values)
            {
                return fallback;
            }

            if (values.Any(v => v is < int.MinValue or > int.MaxValue))
            {
                throw UnsupportedAttribute(node, name, "every value must fit in an int");
            }

            return values.Select(v => (int)v).ToArray();
        }

        /// <summary>Every value at least <paramref name="least"/>, or an error naming the attribute.</summary>
        private int[] AtLeast(OnnxNode node, string name, int[] values, int least)
        {
            if (values.Any(v => v < least))
            {
                throw new ImportException($"{_graph.File}: {node}: attribute {name} = [{string.Join(", ", values)}] is not supported; every value must be at least {least}.");
            }

            return values;
        }

        /// <summary>The dims of weight input <paramref name="index"/>, each from 1 to int.MaxValue.</summary>
        private int[] Dims(OnnxNode node, int index)
        {
            IReadOnlyList<long> dims = ConstantDims(node, index);
            if (dims.Any(d => d is < 1 or > int.MaxValue))
            {
                throw Unsupported(node, $"its weight '{node.Inputs[index]}' has shape [{string.Join(", ", dims)}]");
            }

            return dims.Select(d => (int)d).ToArray();
        }

        private ImportException Unsupported(OnnxNode node, string why) => new($"{_graph.File}: {node}: {why}.");

        private ImportException UnsupportedAttribute(OnnxNode node, string attribute, string supported) =>
            new($"{_graph.File}: {node}: attribute {attribute} = {node.Attributes[attribute]} is not supported; {supported}.");

        /// <summary>A tensor whose only reader is <paramref name="node"/> and which the model does not output: a layer may take the node in.</summary>
        private bool OnlyFeeds(ImportedTensor tensor, OnnxNode node) =>
            tensor.Root == tensor && !tensor.IsModelInput && _readers.TryGetValue(tensor.OnnxName, out int n) && n == 1
            && _graph.Outputs.All(o => o.Name != tensor.OnnxName) && _producers.ContainsKey(tensor);

        private ImportedLayer AddLayer(ImportedLayer layer)
        {
            _layers.Add(layer);
            _producers[layer.Output] = layer;
            return layer;
        }

        /// <summary>A layer's output now goes by the name of a node folded into it.</summary>
        private void Retarget(ImportedLayer layer, OnnxNode node)
        {
            _producers.Remove(layer.Output);
            layer.Output = NewTensor(node, layer.Output.Shape);
            layer.Nodes.Add(node);
            _producers[layer.Output] = layer;
        }

        // ----- operators -----

        private void ImportFlatten(OnnxNode node)
        {
            long axis = Int(node, "axis", 1);
            ImportedTensor input = Tensor(node, 0);
            if (axis != 1)
            {
                throw UnsupportedAttribute(node, "axis", "Flatten keeps the batch first (axis 1)");
            }

            Alias(node, input, new[] { input.Length });
        }

        private void ImportReshape(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            if (Constant(node, 1) is not { Values: { } shape } || shape.Count < 1)
            {
                throw Unsupported(node, "its shape is not a constant the importer can compute");
            }

            // The first dimension is the batch: 0 (copy it), -1 (infer it; the rest is then given) or the fixed batch
            // itself. After it, 0 copies the input's dimension there and one -1 is inferred from the sample's size.
            long first = (long)shape[0];
            long[] rest = shape.Skip(1).Select(v => (long)v).ToArray();
            if (!(first == 0 || first == -1 || (!_dynamicBatch && first == _batch)) || rest.Any(d => d < -1) || rest.Count(d => d == -1) > (first == -1 ? 0 : 1))
            {
                throw Unsupported(node, $"its shape [{string.Join(", ", shape)}] does not keep the batch first (0, -1 or the batch, {(_dynamicBatch ? "dynamic" : _batch.ToString(CultureInfo.InvariantCulture))}) with at most one other -1");
            }

            long[] dims = rest.Select((d, i) => d == 0 ? (i < input.Shape.Length ? input.Shape[i] : 0) : d).ToArray();
            int unknown = Array.IndexOf(dims, -1L);
            long known = dims.Where((d, i) => i != unknown).Aggregate(1L, (a, b) => a * b);
            if (unknown >= 0)
            {
                dims[unknown] = known <= 0 || input.Length % known != 0 ? 0 : input.Length / known;
            }

            if (dims.Any(d => d is < 1 or > int.MaxValue))
            {
                throw Unsupported(node, $"its shape [{string.Join(", ", shape)}] gives a sample of [{string.Join(", ", dims)}] from [{string.Join(", ", input.Shape)}]");
            }

            int[] perSample = dims.Length == 0 ? new[] { 1 } : dims.Select(d => (int)d).ToArray();
            Alias(node, input, perSample);
        }

        private (int[] Kernel, int[] Strides, int[] Begin, int[] End, int[] Dilations) Window(OnnxNode node, int rank, int[] kernel, int[] size, bool transposed)
        {
            int[] strides = Ints(node, "strides", Enumerable.Repeat(1, rank).ToArray());
            int[] dilations = Ints(node, "dilations", Enumerable.Repeat(1, rank).ToArray());
            int[] pads = Ints(node, "pads", new int[2 * rank]);
            string autoPad = String(node, "auto_pad", "NOTSET");
            if (autoPad is "SAME_UPPER" or "SAME_LOWER" && !transposed)
            {
                pads = new int[2 * rank];
                for (int a = 0; a < rank; a++)
                {
                    int output = (size[a] + strides[a] - 1) / strides[a];
                    int total = Math.Max(0, ((output - 1) * strides[a]) + (dilations[a] * (kernel[a] - 1)) + 1 - size[a]);
                    pads[a] = autoPad == "SAME_UPPER" ? total / 2 : total - (total / 2);
                    pads[a + rank] = total - pads[a];
                }
            }
            else if (autoPad is not ("NOTSET" or "VALID"))
            {
                throw UnsupportedAttribute(node, "auto_pad", "NOTSET, VALID, SAME_UPPER and SAME_LOWER are (SAME_* on convolutions and pools only)");
            }
            else if (autoPad == "VALID")
            {
                pads = new int[2 * rank];
            }

            if (strides.Length != rank || dilations.Length != rank || pads.Length != 2 * rank)
            {
                throw Unsupported(node, $"its strides, dilations or pads do not have one value per spatial axis ({rank})");
            }

            AtLeast(node, "kernel_shape", kernel, 1);
            AtLeast(node, "strides", strides, 1);
            AtLeast(node, "dilations", dilations, 1);
            AtLeast(node, "pads", pads, 0);

            return (kernel, strides, pads.Take(rank).ToArray(), pads.Skip(rank).ToArray(), dilations);
        }

        /// <summary>
        /// A window's attribute arguments: the kernel, then the strides, pads (before, and after where they differ) and
        /// dilations where they are not the defaults; a pool's strides always, since they default to its window.
        /// </summary>
        private static void WindowArguments(ImportedLayer layer, int[] kernel, int[] strides, int[] begin, int[] end, int[] dilations, bool stridesAlways)
        {
            layer.Arguments.Add($"Kernel = {List(kernel)}");
            ListArgument(layer, "Strides", strides, stridesAlways ? -1 : 1);
            ListArgument(layer, "Pads", begin, 0);
            if (!end.SequenceEqual(begin))
            {
                layer.Arguments.Add($"PadsEnd = {List(end)}");
            }

            ListArgument(layer, "Dilations", dilations, 1);
        }

        /// <summary><c>Name = new[] { ... }</c>, unless every value is <paramref name="defaultValue"/>.</summary>
        private static void ListArgument(ImportedLayer layer, string name, int[] values, int defaultValue)
        {
            if (values.Any(v => v != defaultValue))
            {
                layer.Arguments.Add($"{name} = {List(values)}");
            }
        }

        private static string List(IEnumerable<int> values) => "new[] { " + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + " }";

        /// <summary>
        /// A Pad waits for the convolution that reads it (PyTorch's padding modes export as Pad then Conv): zeros add to
        /// the convolution's pads, reflect and edge become its PaddingMode (Reflect, Replicate) on a convolution without
        /// pads of its own. Its pads must leave the batch and the channels alone and be at least 0.
        /// </summary>
        private void ImportPad(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            string mode = String(node, "mode", "constant");
            int rank = input.Shape.Length - 1;
            IReadOnlyList<double>? pads = _graph.Opset >= 11 ? Constant(node, 1)?.Values : Ints(node, "pads", Array.Empty<int>()).Select(v => (double)v).ToArray();
            double value = _graph.Opset >= 11 ? Constant(node, 2)?.Values?.SingleOrDefault() ?? 0 : Float(node, "value", 0);
            if (pads is null || pads.Count != 2 * (rank + 2) || pads.Any(p => p is < 0 or > int.MaxValue) || pads[0] != 0 || pads[1] != 0 || pads[rank + 2] != 0 || pads[rank + 3] != 0)
            {
                throw Unsupported(node, $"its pads [{(pads is null ? "not a constant" : string.Join(", ", pads))}] are not constants of at least 0 on the spatial axes only");
            }

            if (mode is not ("constant" or "reflect" or "edge") || (mode == "constant" && value != 0))
            {
                throw Unsupported(node, $"mode '{mode}'{(mode == "constant" ? $" with value {value.ToString("R", CultureInfo.InvariantCulture)}" : string.Empty)} is not one of PyTorch's padding modes KernelGen has (zeros, reflect, replicate)");
            }

            _pads[node.Outputs[0]] = (input, pads.Skip(2).Take(rank).Select(p => (int)p).ToArray(), pads.Skip(rank + 4).Take(rank).Select(p => (int)p).ToArray(), mode);
        }

        private void ImportConv(OnnxNode node)
        {
            (ImportedTensor Source, int[] Begin, int[] End, string Mode)? pad = PendingPad(node);
            ImportedTensor input = pad?.Source ?? Tensor(node, 0);
            string weight = Initializer(node, 1, "weight");
            int[] w = Dims(node, 1);
            int rank = input.Shape.Length - 1;
            if (rank < 1 || rank > 3 || w.Length != rank + 2)
            {
                throw Unsupported(node, $"its input has {rank} spatial dimension(s) and its weight {w.Length - 2}; KernelGen convolves 1 to 3");
            }

            int groups = Groups(node, input.Shape[0], w[1], w[0]);
            int[] kernel = w.Skip(2).ToArray();
            var (k, s, begin, end, d) = Window(node, rank, kernel, input.Shape.Skip(1).ToArray(), transposed: false);
            string? paddingMode = null;
            if (pad is { } padding)
            {
                if (padding.Mode != "constant" && (begin.Any(v => v != 0) || end.Any(v => v != 0)))
                {
                    throw Unsupported(node, $"it pads its input again after a Pad of mode '{padding.Mode}'; KernelGen folds such a Pad into a convolution without pads of its own");
                }

                begin = begin.Select((v, a) => v + padding.Begin[a]).ToArray();
                end = end.Select((v, a) => v + padding.End[a]).ToArray();
                paddingMode = padding.Mode switch { "reflect" => "Reflect", "edge" => "Replicate", _ => null };
            }

            int cout = w[0];
            int[] output = new[] { cout }.Concat(Enumerable.Range(0, rank).Select(a => ((input.Shape[a + 1] + begin[a] + end[a] - (d[a] * (k[a] - 1)) - 1) / s[a]) + 1)).ToArray();
            bool pointwise = k.All(v => v == 1) && s.All(v => v == 1) && begin.All(v => v == 0) && end.All(v => v == 0) && d.All(v => v == 1);
            var layer = new ImportedLayer(pointwise ? "Conv1x1" : "Conv", node) { Input = input, Weight = weight };
            if (pad is not null)
            {
                // The Pad's node, named in the layer's comment before the convolution's.
                layer.Nodes.Insert(0, PadNode(node));
            }

            if (!pointwise)
            {
                WindowArguments(layer, k, s, begin, end, d, stridesAlways: false);
                if (paddingMode is not null)
                {
                    layer.Arguments.Add($"PaddingMode = global::KernelGen.PaddingMode.{paddingMode}");
                }
            }

            if (groups != 1)
            {
                layer.Arguments.Add($"Groups = {groups.ToString(CultureInfo.InvariantCulture)}");
            }

            SetBias(layer, node, 2);
            layer.Output = NewTensor(node, output);
            AddLayer(layer);
        }

        /// <summary>The group count, which must split the input channels into the weight's groups and divide the output channels.</summary>
        private int Groups(OnnxNode node, int inputChannels, int weightInputChannels, int outputChannels)
        {
            long groups = Int(node, "group", 1);
            if (groups < 1 || groups > inputChannels || inputChannels % groups != 0 || outputChannels % groups != 0 || inputChannels / groups != weightInputChannels)
            {
                throw new ImportException($"{_graph.File}: {node}: attribute group = {groups} does not fit its {inputChannels} input channels and its weight (each group takes {weightInputChannels} and the groups must divide {outputChannels} outputs).");
            }

            return (int)groups;
        }

        private void SetBias(ImportedLayer layer, OnnxNode node, int index)
        {
            if (index < node.Inputs.Count && node.Inputs[index].Length > 0)
            {
                layer.Bias = Initializer(node, index, "bias");
                layer.HasBias = true;
            }
        }

        private void ImportConvTranspose(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            string weight = Initializer(node, 1, "weight");
            int[] w = Dims(node, 1);
            int rank = input.Shape.Length - 1;
            if (rank < 1 || rank > 3 || w.Length != rank + 2)
            {
                throw Unsupported(node, $"its input has {rank} spatial dimension(s) and its weight {w.Length - 2}; KernelGen convolves 1 to 3");
            }

            if (node.Attributes.ContainsKey("output_shape"))
            {
                throw UnsupportedAttribute(node, "output_shape", "give pads and output_padding instead (as PyTorch exports them)");
            }

            // The weight is [C_in, C_out/groups, k...].
            long g = Int(node, "group", 1);
            int groups = Groups(node, input.Shape[0], g >= 1 && g <= w[0] ? w[0] / (int)g : -1, g >= 1 && g <= int.MaxValue / Math.Max(1, w[1]) ? w[1] * (int)g : -1);
            int[] kernel = w.Skip(2).ToArray();
            var (k, s, begin, end, d) = Window(node, rank, kernel, input.Shape.Skip(1).ToArray(), transposed: true);
            if (!begin.SequenceEqual(end))
            {
                throw UnsupportedAttribute(node, "pads", "a transposed convolution's pads must be the same at both ends of each axis");
            }

            int[] outputPadding = AtLeast(node, "output_padding", Ints(node, "output_padding", new int[rank]), 0);
            if (outputPadding.Length != rank)
            {
                throw Unsupported(node, $"its output_padding does not have one value per spatial axis ({rank})");
            }

            int cout = w[1] * groups;
            int[] output = new[] { cout }.Concat(Enumerable.Range(0, rank).Select(a => ((input.Shape[a + 1] - 1) * s[a]) - (2 * begin[a]) + (d[a] * (k[a] - 1)) + outputPadding[a] + 1)).ToArray();
            var layer = new ImportedLayer("ConvTranspose", node) { Input = input, Weight = weight };
            WindowArguments(layer, k, s, begin, end, d, stridesAlways: false);
            ListArgument(layer, "OutputPaddings", outputPadding, 0);
            if (groups != 1)
            {
                layer.Arguments.Add($"Groups = {groups.ToString(CultureInfo.InvariantCulture)}");
            }

            SetBias(layer, node, 2);
            layer.Output = NewTensor(node, output);
            AddLayer(layer);
        }

        private void ImportBatchNorm(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            if (!OnlyFeeds(input, node) || _producers[input] is not { IsWeighted: true, BatchNorm: null, Residual: null, WeightScale: 1 } layer || !layer.Activation.IsNone)
            {
                throw Unsupported(node, "a batch norm is folded into the convolution or linear layer before it, and this one follows no such layer alone (or that layer's output is read elsewhere)");
            }

            layer.BatchNorm = (Initializer(node, 1, "scale"), Initializer(node, 2, "bias"), Initializer(node, 3, "mean"), Initializer(node, 4, "variance"), Float(node, "epsilon", 1e-5f));
            layer.HasBias = true;
            Retarget(layer, node);
        }

        private void ImportLinear(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            if (input.Shape.Length != 1)
            {
                throw Unsupported(node, $"its input has shape [{string.Join(", ", input.Shape)}] per sample; a Gemm or MatMul becomes [Linear] on a vector of features (Flatten first)");
            }

            string weight = Initializer(node, 1, "weight");
            int[] w = Dims(node, 1);
            bool transposed = node.OpType == "MatMul" || Int(node, "transB", 0) == 0;
            if (node.OpType == "Gemm" && (Int(node, "transA", 0) != 0 || Float(node, "alpha", 1) != 1 || Float(node, "beta", 1) != 1))
            {
                throw Unsupported(node, "a Gemm becomes [Linear] with transA = 0, alpha = 1 and beta = 1");
            }

            int cin = input.Shape[0];
            if (w.Length != 2 || (transposed ? w[0] : w[1]) != cin)
            {
                throw Unsupported(node, $"its weight has shape [{string.Join(", ", w)}], which does not take {cin} features");
            }

            var layer = new ImportedLayer("Linear", node) { Input = input, Weight = weight, TransposeWeight = transposed };
            if (node.OpType == "Gemm")
            {
                if (Constant(node, 2) is { } c && c.Dims.Aggregate(1L, (a, b) => a * b) != (transposed ? w[1] : w[0]))
                {
                    throw Unsupported(node, "its C is not one bias per output");
                }

                SetBias(layer, node, 2);
            }

            layer.Output = NewTensor(node, new[] { transposed ? w[1] : w[0] });
            AddLayer(layer);
        }

        private void ImportPool(OnnxNode node)
        {
            (ImportedTensor Source, int[] Begin, int[] End, string Mode)? pad = PendingPad(node);
            ImportedTensor input = pad?.Source ?? Tensor(node, 0);
            int rank = input.Shape.Length - 1;
            int[] kernel = Ints(node, "kernel_shape", Array.Empty<int>());
            if (kernel.Length != rank)
            {
                throw Unsupported(node, "its kernel_shape does not have one value per spatial axis");
            }

            var (k, s, begin, end, d) = Window(node, rank, kernel, input.Shape.Skip(1).ToArray(), transposed: false);
            bool ceil = Int(node, "ceil_mode", 0) != 0, max = node.OpType == "MaxPool";
            if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0)
            {
                throw Unsupported(node, "its indices output is used; KernelGen's max pool gives the values only");
            }

            bool countIncludePad = Int(node, "count_include_pad", 0) != 0;
            if (pad is { } padding)
            {
                // Zeros padded before an average pool are elements of its windows: the pool's own padding with
                // count_include_pad (PyTorch exports avg_pool2d's padding this way). A max pool's padding never wins,
                // zeros would, and reflected or repeated borders are no pool padding at all.
                if (max || padding.Mode != "constant" || (!countIncludePad && (begin.Any(v => v != 0) || end.Any(v => v != 0))))
                {
                    throw Unsupported(node, $"its input is padded by a Pad of mode '{padding.Mode}', which KernelGen folds into an average pool (zeros) only{(max ? string.Empty : " whose own pads are counted too (count_include_pad = 1)")}");
                }

                begin = begin.Select((v, a) => v + padding.Begin[a]).ToArray();
                end = end.Select((v, a) => v + padding.End[a]).ToArray();
                countIncludePad = true;
            }

            // KernelGen's pools take PyTorch's rule (PoolOperator): no pad over half the window, so that every window meets the input.
            if (Enumerable.Range(0, rank).FirstOrDefault(a => begin[a] > k[a] / 2 || end[a] > k[a] / 2, -1) is var wide && wide >= 0)
            {
                throw Unsupported(node, $"its pads on spatial axis {wide + 1} ({begin[wide]} before, {end[wide]} after) exceed half its window of {k[wide]}, which PyTorch's pools and KernelGen's do not allow");
            }

            var layer = new ImportedLayer(max ? "MaxPool" : "AvgPool", node) { Input = input };
            if (pad is not null)
            {
                layer.Nodes.Insert(0, PadNode(node));
            }

            WindowArguments(layer, k, s, begin, end, d, stridesAlways: true);
            if (ceil)
            {
                layer.Arguments.Add("CeilMode = true");
            }

            if (!max)
            {
                layer.Arguments.Add(countIncludePad ? "CountIncludePad = true" : "CountIncludePad = false");
            }

            int[] output = new[] { input.Shape[0] }.Concat(Enumerable.Range(0, rank).Select(a =>
            {
                int span = input.Shape[a + 1] + begin[a] + end[a] - (d[a] * (k[a] - 1)) - 1;
                int o = (ceil ? (span + s[a] - 1) / s[a] : span / s[a]) + 1;
                return ceil && (o - 1) * s[a] >= input.Shape[a + 1] + begin[a] ? o - 1 : o;
            })).ToArray();
            layer.Output = NewTensor(node, output);
            AddLayer(layer);
        }

        private void ImportGlobalPool(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            var layer = new ImportedLayer(node.OpType == "GlobalMaxPool" ? "AdaptiveMaxPool" : "AdaptiveAvgPool", node) { Input = input };
            layer.Arguments.Add("1");
            layer.Output = NewTensor(node, new[] { input.Shape[0] }.Concat(Enumerable.Repeat(1, input.Shape.Length - 1)).ToArray());
            AddLayer(layer);
        }

        /// <summary>
        /// ReduceMean or ReduceMax over every spatial axis (<c>x.mean([2, 3])</c>, as exporters write a global pool):
        /// the global pool, whose output keeps dimensions of 1 that keepdims = 0 then drops by a reshape.
        /// </summary>
        private void ImportReduce(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            int rank = input.Shape.Length + 1;
            // The axes: an attribute before opset 18, the second input from it on; none means every axis.
            long[]? axes = IntsByOpset(node, 1, "axes", 18);
            long[] spatial = Enumerable.Range(2, rank - 2).Select(v => (long)v).ToArray();
            if (axes is null || rank < 3 || !axes.Select(x => x < 0 ? x + rank : x).OrderBy(x => x).SequenceEqual(spatial))
            {
                throw Unsupported(node, $"it reduces axes [{(axes is null ? "all" : string.Join(", ", axes))}] of a tensor of {rank} dimensions; KernelGen reduces every spatial axis ([{string.Join(", ", spatial)}]: a global pool)");
            }

            var layer = new ImportedLayer(node.OpType == "ReduceMax" ? "AdaptiveMaxPool" : "AdaptiveAvgPool", node) { Input = input };
            layer.Arguments.Add("1");
            int[] kept = new[] { input.Shape[0] }.Concat(Enumerable.Repeat(1, rank - 2)).ToArray();
            if (Int(node, "keepdims", 1) != 0)
            {
                layer.Output = NewTensor(node, kept);
                AddLayer(layer);
                return;
            }

            var pooled = new ImportedTensor(node.Outputs[0] + " (before keepdims = 0)", kept);
            pooled.Root = pooled;
            layer.Output = pooled;
            AddLayer(layer);
            Alias(node, pooled, new[] { input.Shape[0] });
        }

        private void ImportBinary(OnnxNode node)
        {
            bool add = node.OpType == "Add";
            int scalarIndex = Constant(node, 1) is { Values.Count: 1 } ? 1 : Constant(node, 0) is { Values.Count: 1 } && Constant(node, 1) is null ? 0 : -1;
            if (scalarIndex >= 0)
            {
                ImportScalar(node, Tensor(node, 1 - scalarIndex), scalarIndex, Constant(node, scalarIndex)!.Values![0]);
                return;
            }

            if (node.OpType is "Sub" or "Div")
            {
                throw Unsupported(node, $"KernelGen computes {node.OpType} with a scalar constant (as x * scale + offset), and neither of its operands is one");
            }

            if (Constant(node, 0) is not null && Constant(node, 1) is null)
            {
                ImportBinaryConstant(node, Tensor(node, 1), 0, add);
                return;
            }

            if (Constant(node, 1) is not null)
            {
                ImportBinaryConstant(node, Tensor(node, 0), 1, add);
                return;
            }

            ImportedTensor a = Tensor(node, 0), b = Tensor(node, 1);
            if (!a.Shape.SequenceEqual(b.Shape))
            {
                throw Unsupported(node, $"its operands have shapes [{string.Join(", ", a.Shape)}] and [{string.Join(", ", b.Shape)}]; two computed tensors must have one shape");
            }

            // x * sigmoid(x) is SiLU (F.silu before opset 22 exports so): the sigmoid's layer becomes SiLU, or, when
            // nothing else reads x, the layer that computes x takes SiLU as its activation and the sigmoid goes.
            if (node.OpType == "Mul")
            {
                foreach ((ImportedTensor x, ImportedTensor gate) in new[] { (a, b), (b, a) })
                {
                    if (gate.Root == gate && _producers.TryGetValue(gate, out ImportedLayer? sigmoid) && sigmoid is { Kind: "Activate", Activation.Kind: "Sigmoid" }
                        && sigmoid.Input == x && OnlyFeeds(gate, node))
                    {
                        var silu = new ImportedActivation("Silu");
                        if (x.Root == x && !x.IsModelInput && _readers.TryGetValue(x.OnnxName, out int readers) && readers == 2 && _graph.Outputs.All(o => o.Name != x.OnnxName)
                            && _producers.TryGetValue(x, out ImportedLayer? producer) && producer.TakesActivation && producer.Activation.IsNone && producer.Slope is null)
                        {
                            _layers.Remove(sigmoid);
                            _producers.Remove(gate);
                            producer.Activation = silu;
                            producer.Nodes.Add(sigmoid.Nodes[0]);
                            Retarget(producer, node);
                            return;
                        }

                        sigmoid.Activation = silu;
                        Retarget(sigmoid, node);
                        return;
                    }
                }
            }

            // A residual: the sum folds into the weighted layer that computes one operand, if nothing else reads that
            // operand and the layer has no activation yet. The layer then runs here, where the other operand exists.
            foreach ((ImportedTensor operand, ImportedTensor residual) in new[] { (a, b), (b, a) })
            {
                if (add && OnlyFeeds(operand, node) && _producers[operand] is { IsWeighted: true, Residual: null } layer && layer.Activation.IsNone && layer.Slope is null
                    && residual.Root != operand)
                {
                    layer.Residual = residual;
                    Retarget(layer, node);
                    _layers.Remove(layer);
                    _layers.Add(layer);
                    return;
                }
            }

            var elementwise = new ImportedLayer(node.OpType, node) { Input = a, Other = b };
            elementwise.Output = NewTensor(node, a.Shape);
            AddLayer(elementwise);
        }

        /// <summary>
        /// A tensor and a scalar constant: <c>x * scale + offset</c>. After a weighted layer that nothing else reads and
        /// that has no activation or residual yet, a scale folds into its weights and bias on loading (exact but for
        /// rounding: EDSR's residual scale, HiFi-GAN's average of two branches); after an [Affine] without an
        /// activation, into its constants; otherwise it is an [Affine] of its own.
        /// </summary>
        private void ImportScalar(OnnxNode node, ImportedTensor tensor, int constantIndex, double c)
        {
            (double scale, double offset) = (node.OpType, constantIndex) switch
            {
                ("Mul", _) => (c, 0.0),
                ("Div", 1) => (1 / c, 0.0),
                ("Add", _) => (1.0, c),
                ("Sub", 1) => (1.0, -c),
                ("Sub", 0) => (-1.0, c),
                _ => throw Unsupported(node, "it divides a constant by a tensor, which no KernelGen kernel computes"),
            };

            if (OnlyFeeds(tensor, node) && _producers[tensor] is { } producer && producer.Activation.IsNone && producer.Residual is null && producer.Slope is null)
            {
                if (producer.IsWeighted && offset == 0)
                {
                    producer.WeightScale *= scale;
                    Retarget(producer, node);
                    return;
                }

                if (producer.Kind == "Affine")
                {
                    (producer.AffineScale, producer.AffineOffset) = (producer.AffineScale * scale, (producer.AffineOffset * scale) + offset);
                    Retarget(producer, node);
                    return;
                }
            }

            var affine = new ImportedLayer("Affine", node) { Input = tensor, AffineScale = scale, AffineOffset = offset };
            affine.Output = NewTensor(node, tensor.Shape);
            AddLayer(affine);
        }

        /// <summary>
        /// A group norm as PyTorch exports it before opset 18: x [C, ...] reshaped to [G, C/G * ...], an
        /// InstanceNormalization of ones and zeros (each of the G rows a group), reshaped back, then times the weight
        /// [C, 1, ...] and plus the bias. The Mul makes the instance norm [GroupNorm(G)] on x with that weight; the Add
        /// after it gives its bias. False, changing nothing, for every other pattern.
        /// </summary>
        private bool TryGroupNorm(OnnxNode node, ImportedTensor tensor, int constantIndex, bool add, IReadOnlyList<long> dims)
        {
            // ONNX broadcasts from the last axis: [C, 1, 1] and [1, C, 1, 1] are both one value per channel.
            long[] full = Enumerable.Repeat(1L, Math.Max(0, tensor.Shape.Length + 1 - dims.Count)).Concat(dims).ToArray();
            bool perChannel = full.Length == tensor.Shape.Length + 1 && full[0] == 1 && full[1] == tensor.Shape[0] && full.Skip(2).All(d => d == 1);
            bool SoleReader(ImportedTensor t) => _readers.TryGetValue(t.OnnxName, out int n) && n == 1 && _graph.Outputs.All(o => o.Name != t.OnnxName);
            if (!perChannel)
            {
                return false;
            }

            if (!add && tensor.Root != tensor && SoleReader(tensor) && SoleReader(tensor.Root) && _producers.TryGetValue(tensor.Root, out ImportedLayer? norm)
                && norm is { Kind: "InstanceNorm", PlainAffine: true, Residual: null } && norm.Activation.IsNone && norm.Input.Root.Shape.SequenceEqual(tensor.Shape))
            {
                int groups = norm.Input.Shape[0], channels = tensor.Shape[0];
                if (channels % groups != 0 || norm.Input.Shape.Length != 2)
                {
                    return false;
                }

                _producers.Remove(norm.Output);
                norm.Kind = "GroupNorm";
                norm.Arguments.Insert(0, groups.ToString(CultureInfo.InvariantCulture));
                norm.Input = norm.Input.Root;
                norm.Weight = Initializer(node, constantIndex, "weight");
                norm.Bias = null;
                norm.Output = NewTensor(node, tensor.Shape);
                norm.Nodes.Add(node);
                _producers[norm.Output] = norm;
                return true;
            }

            if (add && tensor.Root == tensor && SoleReader(tensor) && _producers.TryGetValue(tensor, out ImportedLayer? group)
                && group is { Kind: "GroupNorm", Bias: null, Residual: null } && group.Activation.IsNone)
            {
                group.Bias = Initializer(node, constantIndex, "bias");
                Retarget(group, node);
                return true;
            }

            return false;
        }

        private void ImportBinaryConstant(OnnxNode node, ImportedTensor tensor, int constantIndex, bool add)
        {
            if (TryGroupNorm(node, tensor, constantIndex, add, ConstantDims(node, constantIndex)))
            {
                return;
            }

            string initializer = Initializer(node, constantIndex, "constant operand");
            IReadOnlyList<long> dims = ConstantDims(node, constantIndex);
            // ONNX broadcasts from the last axis; the batch axis, if given, must be 1.
            int rank = tensor.Shape.Length;
            long[] full = Enumerable.Repeat(1L, Math.Max(0, rank + 1 - dims.Count)).Concat(dims).ToArray();
            if (full.Length != rank + 1 || full[0] != 1 || full.Skip(1).Where((d, i) => d != 1 && d != tensor.Shape[i]).Any())
            {
                throw Unsupported(node, $"its constant of shape [{string.Join(", ", dims)}] does not broadcast over a sample of shape [{string.Join(", ", tensor.Shape)}]");
            }

            var layer = new ImportedLayer(node.OpType, node) { Input = tensor, OtherConstant = (initializer, full.Skip(1).Select(d => (int)d).ToArray()) };
            layer.Output = NewTensor(node, tensor.Shape);
            AddLayer(layer);
        }

        /// <summary>
        /// A Concat along channels copies nothing: in this channel-first layout each sample's parts are adjacent, so the
        /// layer that computes each part writes it straight into the Concat's buffer (sample by sample, see
        /// <see cref="ImportedTensor.ViewOf"/>), and the layers that read a part read it there. A part no layer of its own
        /// writes is copied in.
        /// </summary>
        private void ImportConcat(OnnxNode node)
        {
            ImportedTensor[] parts = node.Inputs.Select((_, i) => Tensor(node, i)).ToArray();
            int rank = parts[0].Shape.Length;
            // The axis counts the batch: 1 is the channels, as is -rank of a tensor of rank + 1 dimensions.
            long axis = Int(node, "axis", 1);
            if ((axis < 0 ? axis + rank + 1 : axis) != 1)
            {
                throw UnsupportedAttribute(node, "axis", "a Concat of computed tensors is along the channels (axis 1), where each sample's parts are adjacent in memory");
            }

            if (parts.Any(p => p.Shape.Length != rank || !p.Shape.Skip(1).SequenceEqual(parts[0].Shape.Skip(1))))
            {
                throw Unsupported(node, $"its inputs have shapes {string.Join(", ", parts.Select(p => "[" + string.Join(", ", p.Shape) + "]"))}; a Concat along channels needs one spatial size");
            }

            // A part its producer cannot write straight into the Concat's buffer is copied there by a layer of its own
            // ([Activate(Activation.None)]): the model's input, a reshape or a slice of another tensor, a part of another
            // Concat, a tensor the model outputs, or one given twice.
            for (int i = 0; i < parts.Length; i++)
            {
                ImportedTensor part = parts[i];
                bool copy = part.Root != part || part.IsModelInput || part.ViewOf is not null || Array.IndexOf(parts, part) != i
                    || !_producers.ContainsKey(part) || _graph.Outputs.Any(o => o.Name == part.OnnxName);
                if (copy)
                {
                    parts[i] = Copy(node, part, $"{part.OnnxName} (copied into {node.Outputs[0]})", $"copies '{part.OnnxName}' into its part of the Concat");
                }
            }

            ImportedTensor output = NewTensor(node, new[] { parts.Sum(p => p.Shape[0]) }.Concat(parts[0].Shape.Skip(1)).ToArray());
            int offset = 0;
            foreach (ImportedTensor part in parts)
            {
                part.ViewOf = output;
                part.ViewOffset = offset;
                offset += part.Length;
            }
        }

        /// <summary>A layer that copies <paramref name="source"/> into a new tensor called <paramref name="name"/>: <c>[Activate(Activation.None)]</c>.</summary>
        private ImportedTensor Copy(OnnxNode node, ImportedTensor source, string name, string why)
        {
            var copy = new ImportedTensor(name, source.Shape);
            copy.Root = copy;
            var layer = new ImportedLayer("Activate", node) { Input = source, Output = copy, Comment = why };
            AddLayer(layer);
            return copy;
        }

        /// <summary>
        /// Channels <c>[first, first + count)</c> of <paramref name="source"/> as a tensor that is a view of it (each sample's
        /// channels are adjacent, so the part is one run of each sample): nothing is copied, and the layers that read it
        /// run sample by sample.
        /// </summary>
        private void ChannelView(OnnxNode node, int output, ImportedTensor source, int first, int count)
        {
            if (source.Root != source || source.IsView)
            {
                throw Unsupported(node, $"it takes channels of '{source.OnnxName}', which is {(source.IsView ? "itself a part of another tensor" : "a reshape of another tensor")}; KernelGen takes channels of a tensor a layer computes, or of an input");
            }

            int plane = source.Length / source.Shape[0];
            var view = new ImportedTensor(node.Outputs[output], new[] { count }.Concat(source.Shape.Skip(1)).ToArray()) { ViewOf = source, ViewOffset = first * plane };
            view.Root = view;
            _tensors[view.OnnxName] = view;
        }

        /// <summary>A Slice of a computed tensor along the channels with step 1 (<c>x[:, a:b]</c>): a view of those channels.</summary>
        private void ImportSlice(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            int rank = input.Shape.Length + 1;
            long[]? starts = IntsByOpset(node, 1, "starts", 10), ends = IntsByOpset(node, 2, "ends", 10), axes = IntsByOpset(node, 3, "axes", 10);
            long[]? steps = _graph.Opset >= 10 ? IntsByOpset(node, 4, "steps", 10) : null;
            bool given(int index) => index < node.Inputs.Count && node.Inputs[index].Length > 0;
            if (starts is not { Length: 1 } || ends is not { Length: 1 } || (_graph.Opset >= 10 && given(3) && axes is null) || (_graph.Opset >= 10 && given(4) && steps is null))
            {
                throw Unsupported(node, "its starts, ends, axes and steps are not constants of one axis; KernelGen slices a computed tensor along the channels only");
            }

            long axis = axes is { Length: 1 } ? (axes[0] < 0 ? axes[0] + rank : axes[0]) : 0;
            if (axis != 1 || (steps is not null && steps.Any(v => v != 1)))
            {
                throw Unsupported(node, $"it slices axis {axis}{(steps is not null && steps.Any(v => v != 1) ? $" with step {steps[0]}" : string.Empty)}; KernelGen slices a computed tensor along the channels (axis 1) with step 1, where each sample's part is one run of memory");
            }

            int channels = input.Shape[0];
            long Clamp(long v) => Math.Max(0, Math.Min(channels, v < 0 ? v + channels : v));
            long first = Clamp(starts[0]), end = Clamp(ends[0]);
            if (end <= first)
            {
                throw Unsupported(node, $"it takes channels [{first}, {end}) of {channels}: none");
            }

            ChannelView(node, 0, input, (int)first, (int)(end - first));
        }

        /// <summary>A Split along the channels (<c>torch.chunk(x, n, dim=1)</c>, <c>torch.split</c>): each output a view of its channels.</summary>
        private void ImportSplit(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            int rank = input.Shape.Length + 1;
            long axis = Int(node, "axis", 0);
            if ((axis < 0 ? axis + rank : axis) != 1)
            {
                throw Unsupported(node, $"it splits axis {axis}; KernelGen splits a computed tensor along the channels (axis 1), where each sample's part is one run of memory");
            }

            int outputs = node.Outputs.Count, channels = input.Shape[0];
            long[]? sizes = IntsByOpset(node, 1, "split", 13);
            bool sizesGiven = _graph.Opset >= 13 ? node.Inputs.Count > 1 && node.Inputs[1].Length > 0 : node.Attributes.ContainsKey("split");
            if (sizesGiven && sizes is null)
            {
                throw Unsupported(node, "its split sizes are not a constant");
            }

            sizes ??= channels % outputs == 0 ? Enumerable.Repeat((long)(channels / outputs), outputs).ToArray() : null;
            if (sizes is null || sizes.Length != outputs || sizes.Any(v => v < 1) || sizes.Sum() != channels)
            {
                throw Unsupported(node, $"its split sizes [{(sizes is null ? "equal" : string.Join(", ", sizes))}] do not divide {channels} channels into {outputs} outputs of at least one channel each");
            }

            int first = 0;
            for (int i = 0; i < outputs; i++)
            {
                if (node.Outputs[i].Length > 0)
                {
                    ChannelView(node, i, input, first, (int)sizes[i]);
                }

                first += (int)sizes[i];
            }
        }

        private void ImportDepthToSpace(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            long blocksize = Int(node, "blocksize", 0);
            int r = blocksize is >= 1 and <= 46340 ? (int)blocksize : 0;
            bool toSpace = node.OpType == "DepthToSpace";
            string mode = String(node, "mode", "DCR");
            if (input.Shape.Length != 3 || r < 1 || (toSpace ? input.Shape[0] % (r * r) != 0 : input.Shape[1] % r != 0 || input.Shape[2] % r != 0))
            {
                throw Unsupported(node, $"it rearranges 2-D inputs by a block size that divides them; the input is [{string.Join(", ", input.Shape)}] and blocksize {r}");
            }

            var layer = new ImportedLayer(toSpace ? "PixelShuffle" : "PixelUnshuffle", node) { Input = input };
            layer.Arguments.Add(r.ToString(CultureInfo.InvariantCulture));
            // ONNX's DCR (DepthToSpace's default, and SpaceToDepth's only order) takes the blocks first; CRD is PyTorch's.
            if (!toSpace || mode == "DCR")
            {
                layer.Arguments.Add("Order = global::KernelGen.PixelShuffleOrder.BlocksFirst");
            }
            else if (mode != "CRD")
            {
                throw UnsupportedAttribute(node, "mode", "DCR and CRD are");
            }

            int[] shape = input.Shape;
            layer.Output = NewTensor(node, toSpace ? new[] { shape[0] / (r * r), shape[1] * r, shape[2] * r } : new[] { shape[0] * r * r, shape[1] / r, shape[2] / r });
            AddLayer(layer);
        }

        private void ImportResize(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            int rank = input.Shape.Length - 1;
            string mode = String(node, "mode", "nearest");
            // Resize (opset 11+): X, roi, scales, sizes; opset 10: X, scales; Upsample: X, scales (or a scales attribute).
            OnnxTensor? scales = node.OpType == "Resize" && _graph.Opset >= 11 ? Constant(node, 2) : Constant(node, 1);
            OnnxTensor? sizes = node.OpType == "Resize" && _graph.Opset >= 11 ? Constant(node, 3) : null;
            IReadOnlyList<double>? scaleValues = scales?.Values is { Count: > 0 } given ? given
                : node.Attributes.TryGetValue("scales", out OnnxAttribute? attribute) && attribute.Floats is { } floats ? floats.Select(f => (double)f).ToArray() : null;
            string transform = String(node, "coordinate_transformation_mode", node.OpType == "Upsample" || _graph.Opset < 11 ? "asymmetric" : "half_pixel");
            string kernelMode = mode switch
            {
                "nearest" when transform == "asymmetric" && String(node, "nearest_mode", "round_prefer_floor") == "floor" || node.OpType == "Upsample" || _graph.Opset < 11 => "Nearest",
                "nearest" when transform is "half_pixel" or "tf_half_pixel_for_nearest" && String(node, "nearest_mode", "round_prefer_floor") == "round_prefer_ceil" => "NearestExact",
                "linear" or "bilinear" when transform is "pytorch_half_pixel" or "half_pixel" or "align_corners" => "Linear",
                "cubic" when transform is "pytorch_half_pixel" or "half_pixel" or "align_corners" && Math.Abs(Float(node, "cubic_coeff_a", -0.75f) + 0.75) < 1e-6 => "Cubic",
                _ => throw Unsupported(node, $"mode '{mode}' with coordinate_transformation_mode '{transform}' is not one of PyTorch's interpolations (nearest with asymmetric and floor, linear or cubic with half_pixel, pytorch_half_pixel or align_corners)"),
            };

            var layer = new ImportedLayer("Upsample", node) { Input = input };
            int[] output;
            if (scaleValues is { } sv && sv.Count == rank + 2 && sv[0] == 1 && sv[1] == 1 && sv.Skip(2).All(v => v > 0 && v * input.Shape.Max() < int.MaxValue))
            {
                double[] spatial = sv.Skip(2).ToArray();
                layer.Arguments.Add($"Scales = new double[] {{ {string.Join(", ", spatial.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))} }}");
                output = new[] { input.Shape[0] }.Concat(spatial.Select((v, a) => (int)Math.Floor(input.Shape[a + 1] * v))).ToArray();
            }
            else if (sizes?.Values is { } sz && sz.Count == rank + 2 && sz[1] == input.Shape[0] && sz.Skip(2).All(v => v is >= 1 and <= int.MaxValue))
            {
                output = new[] { input.Shape[0] }.Concat(sz.Skip(2).Select(v => (int)v)).ToArray();
            }
            else
            {
                throw Unsupported(node, "its scales (or sizes) are not constants over the spatial axes only");
            }

            layer.Arguments.Add($"Mode = global::KernelGen.UpsampleMode.{kernelMode}");
            if (transform == "align_corners")
            {
                layer.Arguments.Add("AlignCorners = true");
            }

            layer.Output = NewTensor(node, output);
            AddLayer(layer);
        }

        private void ImportInstanceNorm(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            var layer = new ImportedLayer("InstanceNorm", node) { Input = input, Weight = Initializer(node, 1, "scale"), Bias = Initializer(node, 2, "bias"), HasBias = true };
            // Ones and zeros (as PyTorch exports a group norm's normalization, or an instance norm without affine): a
            // per-channel Mul and Add after it may become the affine map of a group norm (TryGroupNorm).
            layer.PlainAffine = Constant(node, 1)?.Values is { } scale && scale.All(v => v == 1) && Constant(node, 2)?.Values is { } shift && shift.All(v => v == 0);
            float eps = Float(node, "epsilon", 1e-5f);
            if (eps != 1e-5f)
            {
                layer.Arguments.Add($"Eps = {((double)eps).ToString("R", CultureInfo.InvariantCulture)}");
            }

            layer.Output = NewTensor(node, input.Shape);
            AddLayer(layer);
        }

        /// <summary>
        /// Softmax or LogSoftmax over the channels ([Softmax]): axis 1, which for a vector of features [N, C] is also -1.
        /// Before opset 13 the axis flattens everything after it into one, which is the channels only when a sample is
        /// its channels.
        /// </summary>
        private void ImportSoftmax(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            int rank = input.Shape.Length + 1;
            long axis = Int(node, "axis", _graph.Opset >= 13 ? -1 : 1);
            long normalized = axis < 0 ? axis + rank : axis;
            bool flattens = _graph.Opset < 13 && input.Shape.Length > 1 && input.Length != input.Shape[0];
            if (normalized != 1 || flattens)
            {
                throw Unsupported(node, flattens
                    ? $"its axis ({axis}) spans every axis from it on before opset 13, and KernelGen's [Softmax] is over the channels alone (here [{string.Join(", ", input.Shape)}] per sample)"
                    : $"its axis ({axis}) is not the channels: KernelGen's [Softmax] is over axis 1 (or -1 of a tensor [N, C]), and this tensor has {rank} dimensions");
            }

            var layer = new ImportedLayer("Softmax", node) { Input = input };
            if (node.OpType == "LogSoftmax")
            {
                layer.Arguments.Add("Log = true");
            }

            layer.Output = NewTensor(node, input.Shape);
            AddLayer(layer);
        }

        private void ImportPRelu(OnnxNode node)
        {
            ImportedTensor input = Tensor(node, 0);
            string slope = Initializer(node, 1, "slope");
            long count = ConstantDims(node, 1).Aggregate(1L, (a, b) => a * b);
            if (count != 1 && count != input.Shape[0])
            {
                throw Unsupported(node, $"its slope has {count} values; PReLU takes one per channel ({input.Shape[0]}) or one");
            }

            if (OnlyFeeds(input, node) && _producers[input] is { TakesActivation: true } layer && layer.Activation.IsNone)
            {
                layer.Activation = new ImportedActivation("PRelu");
                layer.Slope = (slope, (int)count);
                Retarget(layer, node);
                return;
            }

            var alone = new ImportedLayer("Activate", node) { Input = input, Activation = new ImportedActivation("PRelu"), Slope = (slope, (int)count) };
            alone.Output = NewTensor(node, input.Shape);
            AddLayer(alone);
        }

        /// <summary>The activation an operator is, with its constants; null for every other operator.</summary>
        private ImportedActivation? ActivationOf(OnnxNode node)
        {
            switch (node.OpType)
            {
                case "Relu":
                    return new ImportedActivation("Relu");
                case "LeakyRelu":
                    return new ImportedActivation("LeakyRelu", NegativeSlope: Float(node, "alpha", 0.01f));
                case "Sigmoid":
                    return new ImportedActivation("Sigmoid");
                case "Tanh":
                    return new ImportedActivation("Tanh");
                case "HardSwish":
                    return new ImportedActivation("HardSwish");
                case "Softplus":
                    return new ImportedActivation("Softplus");
                case "Elu":
                    return new ImportedActivation("Elu", Alpha: Float(node, "alpha", 1f));
                case "HardSigmoid":
                    // PyTorch's hardsigmoid is ONNX's with alpha 1/6 and beta 1/2; other constants have no KernelGen activation.
                    if (Math.Abs(Float(node, "alpha", 0.2f) - (1 / 6f)) > 1e-6 || Float(node, "beta", 0.5f) != 0.5f)
                    {
                        throw Unsupported(node, "HardSigmoid is supported with PyTorch's alpha = 1/6 and beta = 0.5");
                    }

                    return new ImportedActivation("HardSigmoid");
                case "Clip":
                    double? min = _graph.Opset >= 11 ? Constant(node, 1)?.Values?.SingleOrDefault() : Float(node, "min", float.NegativeInfinity);
                    double? max = _graph.Opset >= 11 ? Constant(node, 2)?.Values?.SingleOrDefault() : Float(node, "max", float.PositiveInfinity);
                    if ((node.Inputs.Count > 1 && node.Inputs[1].Length > 0 && min is null) || (node.Inputs.Count > 2 && node.Inputs[2].Length > 0 && max is null))
                    {
                        throw Unsupported(node, "its bounds are not constants");
                    }

                    return Clamp(min ?? double.NegativeInfinity, max ?? double.PositiveInfinity);
                default:
                    return null;
            }
        }

        /// <summary>A clamp to [min, max] as the activation that computes it: ReLU for [0, inf), ReLU6 for [0, 6], Clamp otherwise.</summary>
        private static ImportedActivation Clamp(double min, double max) =>
            (min, max) switch
            {
                (0, double.PositiveInfinity) => new ImportedActivation("Relu"),
                (0, 6) => new ImportedActivation("Relu6"),
                _ => new ImportedActivation("Clamp", Min: double.IsNegativeInfinity(min) ? null : min, Max: double.IsPositiveInfinity(max) ? null : max),
            };

        /// <summary>The bounds of an activation that is a clamp (ReLU, ReLU6, Clamp); null for the others.</summary>
        private static (double Min, double Max)? Bounds(ImportedActivation a) => a.Kind switch
        {
            "Relu" => (0, double.PositiveInfinity),
            "Relu6" => (0, 6),
            "Clamp" => (a.Min ?? double.NegativeInfinity, a.Max ?? double.PositiveInfinity),
            _ => null,
        };

        private void ImportActivation(OnnxNode node, ImportedActivation activation)
        {
            ImportedTensor input = Tensor(node, 0);
            if (OnlyFeeds(input, node) && _producers[input] is { TakesActivation: true } layer && layer.Slope is null)
            {
                if (layer.Activation.IsNone)
                {
                    layer.Activation = activation;
                    Retarget(layer, node);
                    return;
                }

                // A clamp after a clamp is one clamp to the intersection (ReLU then Clip(0, 6), as ReLU6 exports).
                if (Bounds(layer.Activation) is { } first && Bounds(activation) is { } second)
                {
                    layer.Activation = Clamp(Math.Max(first.Min, second.Min), Math.Min(first.Max, second.Max));
                    Retarget(layer, node);
                    return;
                }
            }

            var alone = new ImportedLayer("Activate", node) { Input = input, Activation = activation };
            alone.Output = NewTensor(node, input.Shape);
            AddLayer(alone);
        }

        // ----- constants -----

        private const int FloatType = 1;

        /// <summary>
        /// A stored float constant under a new name or new dimensions of 1 (Identity, Cast to float, Unsqueeze, Squeeze,
        /// and Reshape or Flatten where only dimensions of 1 change): still the tensor the file stores, which Load reads
        /// by the stored name (exporters write a shared or per-channel weight this way: PReLU's slopes as [C, 1, 1]).
        /// False for everything else, which <see cref="TryFold"/> computes if it can.
        /// </summary>
        private bool TryRename(OnnxNode node)
        {
            if (node.Inputs.Count == 0 || !_stored.TryGetValue(node.Inputs[0], out string? stored) || _constants[node.Inputs[0]] is not { DataType: FloatType } source)
            {
                return false;
            }

            IReadOnlyList<double>? Values(int i) => Constant(node, i)?.Values;
            List<long> dims = source.Dims.ToList();
            switch (node.OpType)
            {
                case "Identity":
                    break;
                case "Cast" when Int(node, "to", 0) == FloatType:
                    break;
                case "Unsqueeze" or "Squeeze":
                    // The axes: an attribute before opset 13, the second input from it on; a Squeeze without any drops every 1.
                    long[]? axes = IntsByOpset(node, 1, "axes", 13);
                    if (node.OpType == "Unsqueeze")
                    {
                        if (axes is null)
                        {
                            return false;
                        }

                        int rank = dims.Count + axes.Length;
                        foreach (long axis in axes.Select(x => x < 0 ? x + rank : x).OrderBy(x => x))
                        {
                            if (axis < 0 || axis > dims.Count)
                            {
                                return false;
                            }

                            dims.Insert((int)axis, 1);
                        }
                    }
                    else
                    {
                        dims = axes is null ? dims.Where(d => d != 1).ToList() : dims.Where((d, i) => !axes.Any(x => (x < 0 ? x + source.Dims.Count : x) == i)).ToList();
                    }

                    break;
                case "Reshape" when Values(1) is { } target:
                    long[] to = target.Select((d, i) => d == 0 && i < dims.Count ? dims[i] : (long)d).ToArray();
                    int inferred = Array.IndexOf(to, -1L);
                    long count = dims.Aggregate(1L, (x, y) => x * y);
                    if (inferred >= 0)
                    {
                        long rest = to.Where((d, i) => i != inferred).Aggregate(1L, (x, y) => x * y);
                        to[inferred] = rest <= 0 ? -1 : count / rest;
                    }

                    dims = to.ToList();
                    break;
                case "Flatten":
                    long flattenAxis = Int(node, "axis", 1);
                    flattenAxis = flattenAxis < 0 ? flattenAxis + dims.Count : flattenAxis;
                    if (flattenAxis < 0 || flattenAxis > dims.Count)
                    {
                        return false;
                    }

                    dims = new List<long> { dims.Take((int)flattenAxis).Aggregate(1L, (x, y) => x * y), dims.Skip((int)flattenAxis).Aggregate(1L, (x, y) => x * y) };
                    break;
                default:
                    return false;
            }

            // Only dimensions of 1 may come or go: the reader checks a stored tensor's shape against its kernel's that way.
            if (dims.Any(d => d < 1) || !dims.Where(d => d != 1).SequenceEqual(source.Dims.Where(d => d != 1)))
            {
                return false;
            }

            _constants[node.Outputs[0]] = new OnnxTensor(node.Outputs[0], FloatType, dims, source.Values);
            _stored[node.Outputs[0]] = stored;
            return true;
        }

        /// <summary>
        /// A node whose inputs are all constants (or whose input's shape is known) computed now: Constant, Shape,
        /// Gather, Unsqueeze, Squeeze, Concat, Cast and the arithmetic exporters write for shapes. False for the rest.
        /// </summary>
        private bool TryFold(OnnxNode node)
        {
            IReadOnlyList<double>? Values(int i) => Constant(node, i)?.Values;
            double[]? result = null;
            long[]? dims = null;
            switch (node.OpType)
            {
                case "Constant":
                    if (node.Attributes.TryGetValue("value", out OnnxAttribute? value) && value.Tensor is { } tensor)
                    {
                        _constants[node.Outputs[0]] = new OnnxTensor(node.Outputs[0], tensor.DataType, tensor.Dims, tensor.Values);
                        if (tensor.DataType == FloatType)
                        {
                            // OnnxWeights reads a Constant node's value by its output's name, as the graph refers to it.
                            _stored[node.Outputs[0]] = node.Outputs[0];
                        }

                        return true;
                    }

                    if (node.Attributes.TryGetValue("value_ints", out OnnxAttribute? ints) && ints.Ints is { } list)
                    {
                        result = list.Select(v => (double)v).ToArray();
                    }
                    else if (node.Attributes.TryGetValue("value_floats", out OnnxAttribute? floats) && floats.Floats is { } flist)
                    {
                        result = flist.Select(v => (double)v).ToArray();
                    }
                    else if (node.Attributes.TryGetValue("value_int", out OnnxAttribute? one) && one.Int is { } i)
                    {
                        (result, dims) = (new double[] { i }, Array.Empty<long>());
                    }
                    else if (node.Attributes.TryGetValue("value_float", out OnnxAttribute? onef) && onef.Float is { } f)
                    {
                        (result, dims) = (new double[] { f }, Array.Empty<long>());
                    }

                    break;
                case "Cast" or "Identity" when Values(0) is { } v:
                    result = v.ToArray();
                    dims = Constant(node, 0)!.Dims.ToArray();
                    break;
                case "Unsqueeze" or "Squeeze" when Values(0) is { } v:
                    result = v.ToArray();
                    break;
                case "Concat" when node.Inputs.All(i => _constants.TryGetValue(i, out OnnxTensor? c) && c.Values is not null):
                    result = node.Inputs.SelectMany(i => _constants[i].Values!).ToArray();
                    break;
                case "Gather" when Values(0) is { } data && Values(1) is { } indices && Constant(node, 0)!.Dims.Count <= 1:
                    result = indices.Select(i => data[(int)(i < 0 ? i + data.Count : i)]).ToArray();
                    dims = Constant(node, 1)!.Dims.ToArray();
                    break;
                case "ConstantOfShape" when Values(0) is { } shape && shape.All(d => d >= 0) && shape.Aggregate(1.0, (a, b) => a * b) <= OnnxGraphReader.SmallTensor:
                    double fill = node.Attributes.TryGetValue("value", out OnnxAttribute? fillValue) && fillValue.Tensor?.Values is { Count: 1 } filled ? filled[0] : 0;
                    dims = shape.Select(d => (long)d).ToArray();
                    result = Enumerable.Repeat(fill, (int)dims.Aggregate(1L, (a, b) => a * b)).ToArray();
                    break;
                case "Reshape" when Values(0) is { } data && Values(1) is { } target:
                    // A constant reshaped: the values as they are, under the new dims (0 copies, one -1 is inferred).
                    IReadOnlyList<long> from = Constant(node, 0)!.Dims;
                    long[] to = target.Select((d, i) => d == 0 && i < from.Count ? from[i] : (long)d).ToArray();
                    int inferred = Array.IndexOf(to, -1L);
                    if (inferred >= 0)
                    {
                        long rest = to.Where((d, i) => i != inferred).Aggregate(1L, (a, b) => a * b);
                        to[inferred] = rest == 0 ? 0 : data.Count / rest;
                    }

                    if (to.Any(d => d < 0) || to.Aggregate(1L, (a, b) => a * b) != data.Count)
                    {
                        return false;
                    }

                    (result, dims) = (data.ToArray(), to);
                    break;
                case "Transpose" when Values(0) is { } data:
                    (result, dims) = ConstantArithmetic.Transpose(data, Constant(node, 0)!.Dims, Ints(node, "perm", Array.Empty<int>()));
                    break;
                case "Slice" when Values(0) is { } data:
                    long[]? starts = IntsByOpset(node, 1, "starts", 10), ends = IntsByOpset(node, 2, "ends", 10);
                    if (starts is null || ends is null)
                    {
                        return false;
                    }

                    (result, dims) = ConstantArithmetic.Slice(data, Constant(node, 0)!.Dims, starts, ends, IntsByOpset(node, 3, "axes", 10), _graph.Opset >= 10 ? IntsByOpset(node, 4, "steps", 10) : null);
                    break;
                case "Range" when Values(0) is [var rangeStart] && Values(1) is [var limit] && Values(2) is [var delta] && delta != 0
                    && Math.Ceiling((limit - rangeStart) / delta) <= OnnxGraphReader.SmallTensor:
                    int steps = (int)Math.Max(0, Math.Ceiling((limit - rangeStart) / delta));
                    result = Enumerable.Range(0, steps).Select(i => rangeStart + (i * delta)).ToArray();
                    break;
                case "Expand" when Values(0) is { Count: 1 } single && Values(1) is { } expandShape && expandShape.All(d => d >= 1)
                    && expandShape.Aggregate(1.0, (p, d) => p * d) <= OnnxGraphReader.SmallTensor:
                    // A scalar broadcast to a small shape (a constant filled for a Pad or a Where); other expansions keep their tensors.
                    dims = expandShape.Select(d => (long)d).ToArray();
                    result = Enumerable.Repeat(single[0], (int)dims.Aggregate(1L, (p, d) => p * d)).ToArray();
                    break;
                case "Mul" or "Add" or "Sub" or "Div" when Values(0) is { } x && Values(1) is { } y && (x.Count == y.Count || x.Count == 1 || y.Count == 1):
                    int n = Math.Max(x.Count, y.Count);
                    result = Enumerable.Range(0, n).Select(i => Arithmetic(node.OpType, x[x.Count == 1 ? 0 : i], y[y.Count == 1 ? 0 : i])).ToArray();
                    break;
            }

            if (result is null)
            {
                return false;
            }

            _constants[node.Outputs[0]] = new OnnxTensor(node.Outputs[0], 7, dims ?? new long[] { result.Length }, result);
            return true;
        }

        private static double Arithmetic(string op, double x, double y) => op switch
        {
            "Mul" => x * y,
            "Add" => x + y,
            "Sub" => x - y,
            _ => Math.Floor(x / y),
        };
    }
}
