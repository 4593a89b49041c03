using System.Globalization;

namespace McpGateway.Core.Listener;

/// <summary>
/// The process's soft limit on open file descriptors (<c>RLIMIT_NOFILE</c>), as Linux reports it in
/// <c>/proc/self/limits</c> (the .NET runtime raises the soft limit to the hard one at start-up, so this is the value in
/// force). Null where there is no such file (other systems) or the limit is unlimited.
/// </summary>
internal static class DescriptorLimit
{
    public const string LimitsFile = "/proc/self/limits";

    public static int? Read()
    {
        try
        {
            return File.Exists(LimitsFile) ? Parse(File.ReadAllLines(LimitsFile)) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The soft limit from the lines of a limits file: <c>Max open files  20000  20000  files</c>.</summary>
    public static int? Parse(IEnumerable<string> lines)
    {
        const string Name = "Max open files";
        foreach (var line in lines)
        {
            if (!line.StartsWith(Name, StringComparison.Ordinal))
            {
                continue;
            }

            var soft = line[Name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return int.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        }

        return null;
    }
}
