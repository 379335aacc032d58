using System.Diagnostics;
using System.Reflection;
using Appliance.AdminUi;
using Appliance.Core.Identity;
using Appliance.Core.Meetings;
using Appliance.Core.Rooms;
using Appliance.Media;
using Appliance.Media.Conference;
using Appliance.Host.Tls;
using Appliance.Storage;

namespace Appliance.Host.Operations;

/// <summary>The dashboard's figures, read from the running host.</summary>
public sealed class ApplianceStatus(
    ServerCertificate certificate,
    ApplianceDatabase database,
    IMeetingStore meetings,
    IIdentityStore identity,
    MeetingRooms rooms,
    IServiceProvider services,
    TimeProvider time) : IApplianceStatus
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public async Task<StatusSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var open = rooms.MeetingIds.Select(rooms.Find).OfType<MeetingRoom>().ToList();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var wall = (time.GetUtcNow() - new DateTimeOffset(process.StartTime.ToUniversalTime())).TotalSeconds;
        var version = typeof(ApplianceStatus).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return new StatusSnapshot(
            version,
            _startedAt,
            certificate.NotAfter,
            certificate.IsSelfSigned,
            certificate.Source,
            database.FileSizeBytes(),
            Path.GetDirectoryName(database.DatabasePath) ?? "",
            await meetings.CountAsync(cancellationToken),
            await identity.CountUsersAsync(cancellationToken))
        {
            LiveMeetings = open.Count,
            Participants = open.Sum(r => r.Roster().Count),
            // Resolved lazily: a host built without the media plane (tests that replace it) has none.
            MediaEndpoints = services.GetService<ConferenceMedia>()?.LocalCandidates.Select(c => c.Protocol == CandidateProtocol.Tcp ? $"{c.Address}:{c.Port}/tcp" : $"{c.Address}:{c.Port}").ToList() ?? [],
            ProcessorTime = cpu,
            Cores = Environment.ProcessorCount,
            AverageProcessorPercent = wall > 0 ? Math.Round(100 * cpu.TotalSeconds / wall / Environment.ProcessorCount, 1) : 0,
        };
    }
}
