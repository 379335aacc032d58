namespace Appliance.AdminUi;

/// <summary>What the dashboard shows about the running appliance; the host provides it.</summary>
public interface IApplianceStatus
{
    /// <summary>A snapshot of the figures.</summary>
    Task<StatusSnapshot> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Figures for the operator's dashboard.</summary>
public sealed record StatusSnapshot(
    string Version,
    DateTimeOffset StartedAt,
    DateTimeOffset CertificateNotAfter,
    bool CertificateSelfSigned,
    string CertificateSource,
    long StorageBytes,
    string DataDirectory,
    int Meetings,
    int StaffAccounts);
