using System.Runtime.InteropServices;

namespace Appliance.Media.Transport;

/// <summary>
/// Lowers the scheduling priority of the calling thread on Linux (nice +10), for work that shares a core with the
/// media receive thread but must not delay it: DTLS handshakes and serving. When a hundred people join at once, a
/// hundred handshake threads at the media thread's own priority would each get as much of the core as the thread that
/// forwards everyone's packets and answers their ICE checks. Raising one's own niceness needs no privilege; elsewhere,
/// or when the call fails, nothing changes.
/// </summary>
internal static partial class BackgroundPriority
{
    /// <summary>The niceness given to background threads (0 is the default, 19 the lowest priority).</summary>
    internal const int Niceness = 10;

    // setpriority(2)'s "which": a thread id, on Linux, counts as a process id here.
    private const int PriorityOfProcess = 0;

    /// <summary>Makes the calling thread a background thread for the scheduler; true when it took effect.</summary>
    internal static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return SetPriority(PriorityOfProcess, GetThreadId(), Niceness) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The calling thread's niceness (Linux), for tests; null elsewhere.</summary>
    internal static int? CurrentThreadNiceness()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Marshal.SetLastPInvokeError(0);
        var value = GetPriority(PriorityOfProcess, GetThreadId());
        return value == -1 && Marshal.GetLastPInvokeError() != 0 ? null : value;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int GetPriority(int which, int who);
}
