namespace Appliance.AdminUi.Maintenance;

/// <summary>TURN and SIP settings as the operator enters them; used when the TURN and SIP features are enabled.</summary>
/// <param name="TurnUris">turn: or turns: URIs clients are given, one per entry.</param>
/// <param name="TurnRealm">The TURN server's realm.</param>
/// <param name="SipTrunkHost">The agency's SIP trunk (host name or address).</param>
/// <param name="SipTrunkPort">Its port.</param>
/// <param name="SipTransport">TLS, TCP or UDP.</param>
/// <param name="SipDialInNumber">The number citizens dial, as shown in invitations (E.164).</param>
public sealed record NetworkSettings(
    IReadOnlyList<string> TurnUris,
    string TurnRealm,
    string SipTrunkHost,
    int SipTrunkPort,
    string SipTransport,
    string SipDialInNumber)
{
    /// <summary>Nothing set.</summary>
    public static NetworkSettings Empty { get; } = new([], string.Empty, string.Empty, 5061, "TLS", string.Empty);
}

/// <summary>What the system page does on the appliance; the host provides it (it owns the files and the database).</summary>
public interface ISystemAdministration
{
    /// <summary>The stored TURN and SIP settings.</summary>
    NetworkSettings ReadSettings();

    /// <summary>Stores validated settings.</summary>
    void SaveSettings(NetworkSettings settings);

    /// <summary>
    /// Checks a PEM certificate chain and key (parses, key matches, valid now and for at least a day, names the public
    /// host) and stores them for the next start; returns message keys of the problems, empty when installed.
    /// </summary>
    IReadOnlyList<string> InstallCertificate(string certificatePem, string keyPem, out string? subject);

    /// <summary>Makes a backup folder now; returns its path.</summary>
    Task<string> BackupAsync(CancellationToken cancellationToken);
}
