using Prometheus;

namespace Appliance.Host.Operations;

/// <summary>The appliance's own Prometheus series, beside prometheus-net's HTTP and process metrics.</summary>
public sealed class ApplianceMetrics
{
    private static readonly Counter MeetingsBooked = Metrics.CreateCounter("appliance_meetings_booked_total", "Meetings booked since start.");
    private static readonly Counter InvitationsIssued = Metrics.CreateCounter("appliance_invitations_issued_total", "Guest invitations issued since start.");
    private static readonly Counter SignIns = Metrics.CreateCounter("appliance_sign_ins_total", "Staff sign-in attempts by outcome.", "outcome");
    private static readonly Counter GuestLinks = Metrics.CreateCounter("appliance_guest_link_opens_total", "Guest link opens by outcome.", "outcome");
    private static readonly Gauge CertificateExpiry = Metrics.CreateGauge("appliance_tls_certificate_expiry_timestamp_seconds", "When the served TLS certificate expires (Unix time).");
    private static readonly Gauge StorageBytes = Metrics.CreateGauge("appliance_storage_bytes", "Size of the database file.");

    public ApplianceMetrics(Tls.ServerCertificate certificate, Storage.ApplianceDatabase database)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(database);
        CertificateExpiry.Set(certificate.NotAfter.ToUnixTimeSeconds());
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() => StorageBytes.Set(database.FileSizeBytes()));
    }

    public void MeetingBooked() => MeetingsBooked.Inc();

    public void InvitationIssued() => InvitationsIssued.Inc();

    public void SignIn(string outcome) => SignIns.WithLabels(outcome).Inc();

    public void GuestLinkOpened(string outcome) => GuestLinks.WithLabels(outcome).Inc();
}
