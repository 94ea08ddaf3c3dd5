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
        var file = new Option<string?>("--file") { Description = "The file's name in that folder ({Class}.g.cs by default)." };
        var msbuild = new Option<bool>("--msbuild") { Description = "Errors in MSBuild's format, at the model file (for the package's <KernelGenModel> items)." };
        var import = new Command("import", "Reads an ONNX model and writes its C#: one KernelGen kernel per layer and a model class with Load and Run.")
        {
            model,
            className,
            ns,
            folder,
            file,
            msbuild,
        };
        import.SetAction(parsed =>
        {
            // --class Ns.Name without --namespace: the namespace is what comes before the last dot.
            string name = parsed.GetValue(className)!;
            string? space = parsed.GetValue(ns);
            if (space is null && name.LastIndexOf('.') is int dot and > 0)
            {
                (space, name) = (name.Substring(0, dot), name.Substring(dot + 1));
            }

            return Import(parsed.GetValue(model)!, name, space, parsed.GetValue(folder)!, parsed.GetValue(file) ?? name + ".g.cs", parsed.GetValue(msbuild), output, error);
        });
        var root = new RootCommand("KernelGen: neural-network layers for .NET written at compile time.") { import };
        ParseResult result = root.Parse(args);
        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static int Import(string model, string className, string? ns, string folder, string file, bool msbuild, TextWriter output, TextWriter error)
    {
        try
        {
            string source = ModelSourceWriter.Write(ModelImporter.Import(OnnxGraphReader.Read(model)), className, ns);
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, file);
            File.WriteAllText(path, source);
            output.WriteLine($"wrote {path}");
            return 0;
        }
        catch (Exception e) when (e is ImportException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // MSBuild's canonical format puts the error at the model file in the build's list of errors.
            (msbuild ? output : error).WriteLine(msbuild ? $"{Path.GetFullPath(model)} : error KG2001 : {e.Message}" : $"error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (msbuild)
        {
            // A defect of the importer's own: still one error at the model file, never a build that fails without one.
            output.WriteLine($"{Path.GetFullPath(model)} : error KG2001 : KernelGen's importer failed on this model ({e.GetType().Name}: {e.Message}); please report it.");
            return 1;
        }
    }
}
