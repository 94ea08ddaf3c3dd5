using KernelGen.Demo;

// Without arguments: the seed examples. `upscale [image.png]`: an image upscaled by 2 three ways. `--help`: usage.
return DemoCommandLine.Run(args, Console.Out, Console.Error);
