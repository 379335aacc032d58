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
    int StaffAccounts)
{
    /// <summary>Meetings whose rooms are open now.</summary>
    public int LiveMeetings { get; init; }

    /// <summary>People admitted to those rooms.</summary>
    public int Participants { get; init; }

    /// <summary>Where clients reach the media plane ("127.0.0.1:10000"); empty when it is not running.</summary>
    public IReadOnlyList<string> MediaEndpoints { get; init; } = [];

    /// <summary>Processor time the appliance process used since start.</summary>
    public TimeSpan ProcessorTime { get; init; }

    /// <summary>Processor cores the process may use.</summary>
    public int Cores { get; init; } = 1;

    /// <summary>Average share of all cores used since start, in percent.</summary>
    public double AverageProcessorPercent { get; init; }
}
