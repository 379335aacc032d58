using Prometheus;

namespace Appliance.Host.Operations;

/// <summary>The appliance's own Prometheus series, beside prometheus-net's HTTP and process metrics.</summary>
public sealed class ApplianceMetrics : IDisposable
{
    private static readonly Counter MeetingsBooked = Metrics.CreateCounter("appliance_meetings_booked_total", "Meetings booked since start.");
    private static readonly Counter InvitationsIssued = Metrics.CreateCounter("appliance_invitations_issued_total", "Guest invitations issued since start.");
    private static readonly Counter SignIns = Metrics.CreateCounter("appliance_sign_ins_total", "Staff sign-in attempts by outcome.", "outcome");
    private static readonly Counter GuestLinks = Metrics.CreateCounter("appliance_guest_link_opens_total", "Guest link opens by outcome.", "outcome");
    private static readonly Gauge CertificateExpiry = Metrics.CreateGauge("appliance_tls_certificate_expiry_timestamp_seconds", "When the served TLS certificate expires (Unix time).");
    private static readonly Gauge StorageBytes = Metrics.CreateGauge("appliance_storage_bytes", "Size of the database file.");

    // prometheus-net's registry is process-wide and its callbacks cannot be removed: one callback reads the database of
    // the newest live host (there is one per process in production; several only in tests).
    private static readonly List<Storage.ApplianceDatabase> Live = [];

    private readonly Storage.ApplianceDatabase _database;

    static ApplianceMetrics() => Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
    {
        Storage.ApplianceDatabase? database;
        lock (Live)
        {
            database = Live.Count > 0 ? Live[^1] : null;
        }

        if (database is not null && database.CheckHealth(out _))
        {
            StorageBytes.Set(database.FileSizeBytes());
        }
    });

    public ApplianceMetrics(Tls.ServerCertificate certificate, Storage.ApplianceDatabase database)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(database);
        CertificateExpiry.Set(certificate.NotAfter.ToUnixTimeSeconds());
        _database = database;
        lock (Live)
        {
            Live.Add(database);
        }
    }

    /// <summary>Stops reading this host's database (the host is shutting down).</summary>
    public void Dispose()
    {
        lock (Live)
        {
            Live.Remove(_database);
        }
    }

    public void MeetingBooked() => MeetingsBooked.Inc();

    public void InvitationIssued() => InvitationsIssued.Inc();

    public void SignIn(string outcome) => SignIns.WithLabels(outcome).Inc();

    public void GuestLinkOpened(string outcome) => GuestLinks.WithLabels(outcome).Inc();
}
