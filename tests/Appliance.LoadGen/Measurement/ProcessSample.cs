using System.Globalization;

namespace Appliance.LoadGen.Measurement;

/// <summary>CPU time and resident memory of a process, read from /proc (Linux).</summary>
/// <param name="CpuSeconds">utime + stime of all its threads.</param>
/// <param name="RssBytes">VmRSS.</param>
/// <param name="Threads">Threads.</param>
public sealed record ProcessSample(double CpuSeconds, long RssBytes, int Threads)
{
    // USER_HZ is 100 on every Linux architecture we run on; /proc reports times in it.
    private const double ClockTicksPerSecond = 100.0;

    /// <summary>Reads /proc/<paramref name="pid"/>/stat and status; null when the process is gone.</summary>
    public static ProcessSample? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: the fields we want follow the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the name: state is field 3 of the man page, so utime (14) and stime (15) are at 11 and 12 here.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var threads = int.Parse(fields[17], CultureInfo.InvariantCulture);
            long rss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }

            return new ProcessSample(ticks / ClockTicksPerSecond, rss, threads);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Processors of the machine from /proc/cpuinfo (not of this process: the generator runs pinned to one).</summary>
    public static int MachineCores()
    {
        try
        {
            return Math.Max(1, File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal)));
        }
        catch (IOException)
        {
            return Environment.ProcessorCount;
        }
    }

    /// <summary>The CPU model name from /proc/cpuinfo.</summary>
    /// <summary>The machine's load averages over 1, 5 and 15 minutes from /proc/loadavg ("1.02 0.87 0.60"), or null.</summary>
    public static string? LoadAverages()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 ? string.Join(' ', fields[..3]) : null;
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

    public static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return "unknown";
    }
}
