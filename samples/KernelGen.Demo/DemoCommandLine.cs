using System.CommandLine;
using KernelGen.Demo.Imaging;

namespace KernelGen.Demo;

/// <summary>
/// The sample's command line: the seed examples without arguments, <c>upscale</c> for images, <c>--help</c> for both.
/// Every failure is one line on the error stream starting with "error:", and exit code 1.
/// </summary>
public static class DemoCommandLine
{
    private const string DefaultFolder = "upscaled";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        RootCommand root = Build(output, error);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // The parser's own report repeats the whole help after the error; one line says more here.
            string message = string.Join(' ', parsed.Errors[0].Message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            error.WriteLine($"error: {message.TrimEnd('.')}. Run with --help for usage.");
            return 1;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("KernelGen demo: without a command, runs the seed examples through generated kernels and prints them as PyTorch prints tensors.");
        root.SetAction(_ => SeedExamples.Print(output));

        var image = new Argument<string?>("image")
        {
            Description = "A PNG of any size: grayscale, gray and alpha, RGB, RGBA or palette, 1 to 16 bits. Without it, the 64x64 image embedded in the sample.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        RefuseOptions(image);
        var folder = new Option<string>("--output", "-o")
        {
            Description = "The folder to write into (created if missing).",
            DefaultValueFactory = _ => DefaultFolder,
        };
        var method = new Option<string>("--method", "-m")
        {
            Description = "The method to write, or all three.",
            DefaultValueFactory = _ => "all",
        };
        method.AcceptOnlyFromAmong("all", "nearest", "bilinear", "convtranspose");

        var upscale = new Command("upscale", "Upscales a PNG by 2 with nearest, bilinear and a transposed convolution (bilinear weights, zero border), each a KernelGen kernel applied tile by tile; writes nearest.png, bilinear.png and convtranspose.png with the input's channels and bit depth.")
        {
            image,
            folder,
            method,
        };
        upscale.SetAction(parsed => Upscale(parsed.GetValue(image), parsed.GetValue(folder)!, parsed.GetValue(method)!, output, error));
        root.Add(upscale);

        var picture = new Option<string>("--output", "-o")
        {
            Description = "The PNG to write.",
            DefaultValueFactory = _ => "autoencoder.png",
        };
        var autoencoder = new Command("autoencoder", "Runs the trained convolutional autoencoder (Autoencoder/train.py) through generated kernels on eight held-out images, compares with PyTorch's reconstruction, and writes the inputs over the reconstructions as a PNG.")
        {
            picture,
        };
        autoencoder.SetAction(parsed => Reconstruct(parsed.GetValue(picture)!, output, error));
        root.Add(autoencoder);

        var superImage = new Argument<string?>("image")
        {
            Description = "The PNG to upscale; without it, the embedded 64x64 picture, whose result is compared with PyTorch's.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        RefuseOptions(superImage);
        var superOutput = new Option<string>("--output", "-o")
        {
            Description = "The PNG to write.",
            DefaultValueFactory = _ => "superres.png",
        };
        var superres = new Command("superres", "Upscales a PNG by 2 with a trained ESPCN super-resolution network (SuperResolution/train.py), imported from its ONNX file at build time by <KernelGenModel>, tile by tile; writes the result with the input's channels and bit depth.")
        {
            superImage,
            superOutput,
        };
        superres.SetAction(parsed => SuperResolve(parsed.GetValue(superImage), parsed.GetValue(superOutput)!, output, error));
        root.Add(superres);
        return root;
    }

    /// <summary>Without this an unknown option would be taken for the image's name.</summary>
    private static void RefuseOptions(Argument<string?> image) =>
        image.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: ['-', ..] name }])
            {
                result.AddError($"Unrecognized option '{name}'");
            }
        });

    private static int Upscale(string? imagePath, string folder, string methodName, TextWriter output, TextWriter error)
    {
        string source = imagePath ?? "the embedded image";
        try
        {
            PngImage picture;
            if (imagePath is null)
            {
                picture = Upscaler.DefaultImage();
            }
            else if (Directory.Exists(imagePath))
            {
                return Fail(error, $"{imagePath} is a folder, not a PNG file");
            }
            else if (!File.Exists(imagePath))
            {
                return Fail(error, $"{imagePath} does not exist");
            }
            else
            {
                picture = PngImage.Load(imagePath);
            }

            UpscaleMethod[] methods = methodName == "all"
                ? Enum.GetValues<UpscaleMethod>()
                : [Enum.Parse<UpscaleMethod>(methodName, ignoreCase: true)];
            Directory.CreateDirectory(folder);
            if (imagePath is null)
            {
                Save(picture, Path.Combine(folder, "input.png"), output);
            }

            foreach (UpscaleMethod each in methods)
            {
                Save(Upscaler.Upscale(picture, each), Path.Combine(folder, each.ToString().ToLowerInvariant() + ".png"), output);
            }

            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            // A damaged file, or one whose upscaled image would be too large to hold.
            return Fail(error, $"{source}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(error, e.Message);
        }
    }

    private static int Reconstruct(string path, TextWriter output, TextWriter error)
    {
        try
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            Autoencoder.AutoencoderDemo.Run(path, output);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(error, e.Message);
        }
    }

    private static int SuperResolve(string? imagePath, string path, TextWriter output, TextWriter error)
    {
        try
        {
            PngImage? picture = null;
            if (imagePath is not null)
            {
                if (Directory.Exists(imagePath))
                {
                    return Fail(error, $"{imagePath} is a folder, not a PNG file");
                }

                if (!File.Exists(imagePath))
                {
                    return Fail(error, $"{imagePath} does not exist");
                }

                picture = PngImage.Load(imagePath);
            }

            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            SuperResolution.SuperResolutionDemo.Run(picture, path, output);
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            return Fail(error, $"{imagePath ?? "the embedded image"}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(error, e.Message);
        }
    }

    private static void Save(PngImage image, string path, TextWriter output)
    {
        image.Save(path);
        output.WriteLine($"wrote {Path.GetFullPath(path)} ({image.Width}x{image.Height}, {image.Channels} channel{(image.Channels == 1 ? string.Empty : "s")}, {image.BitDepth}-bit)");
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        return 1;
    }
}
