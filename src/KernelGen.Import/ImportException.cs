using System;

namespace KernelGen.Import
{
    /// <summary>
    /// A model the importer cannot write as KernelGen kernels: the message names the file, the node (index, name and
    /// operator), the attribute and its value where one is the reason, and what is supported instead.
    /// </summary>
    public sealed class ImportException : Exception
    {
        public ImportException(string message)
            : base(message)
        {
        }
    }
}
