using System.Reflection;
using Appliance.AdminUi;
using Appliance.Core.Identity;
using Appliance.Core.Meetings;
using Appliance.Host.Tls;
using Appliance.Storage;

namespace Appliance.Host.Operations;

/// <summary>The dashboard's figures, read from the running host.</summary>
public sealed class ApplianceStatus(ServerCertificate certificate, ApplianceDatabase database, IMeetingStore meetings, IIdentityStore identity, TimeProvider time) : IApplianceStatus
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public async Task<StatusSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
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
            await identity.CountUsersAsync(cancellationToken));
    }
}
