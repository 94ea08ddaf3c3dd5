using System.CommandLine;
using KernelGen.Import;

return ImportCommand.Run(args, Console.Out, Console.Error);

/// <summary>kernelgen's command line: <c>import</c>, which writes a model's C# into a folder.</summary>
public static class ImportCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var model = new Argument<string>("model") { Description = "The ONNX file." };
        var className = new Option<string>("--class") { Description = "The model class's name.", Required = true };
        var ns = new Option<string?>("--namespace") { Description = "Its namespace (none by default)." };
        var folder = new Option<string>("--out") { Description = "The folder to write {Class}.g.cs into (created if missing).", DefaultValueFactory = _ => "." };
        var import = new Command("import", "Reads an ONNX model and writes its C#: one KernelGen kernel per layer and a model class with Load and Run.")
        {
            model,
            className,
            ns,
            folder,
        };
        import.SetAction(parsed => Import(parsed.GetValue(model)!, parsed.GetValue(className)!, parsed.GetValue(ns), parsed.GetValue(folder)!, output, error));
        var root = new RootCommand("KernelGen: neural-network layers for .NET written at compile time.") { import };
        ParseResult result = root.Parse(args);
        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static int Import(string model, string className, string? ns, string folder, TextWriter output, TextWriter error)
    {
        try
        {
            string source = ModelSourceWriter.Write(ModelImporter.Import(OnnxGraphReader.Read(model)), className, ns);
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, className + ".g.cs");
            File.WriteAllText(path, source);
            output.WriteLine($"wrote {path}");
            return 0;
        }
        catch (Exception e) when (e is ImportException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
