using System.Security.Cryptography;
using Appliance.Crypto.Dtls;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Appliance.Crypto.Tests.Dtls;

/// <summary>
/// A browser stand-in built on BouncyCastle's DTLS client: offers use_srtp, authenticates with its own
/// self-signed certificate and pins the server's fingerprint, as a WebRTC peer does.
/// </summary>
internal sealed class TestDtlsClient : DefaultTlsClient
{
    private readonly BcTlsCrypto _crypto;
    private readonly DtlsIdentity? _identity;
    private readonly int[]? _offeredProfiles;
    private readonly string _expectedServerFingerprint;
    private readonly ProtocolVersion[] _versions;
    private readonly int[]? _cipherSuites;
    private readonly List<(short Level, short Description)> _alertsReceived = [];

    public TestDtlsClient(DtlsIdentity? identity, int[]? offeredProfiles, string expectedServerFingerprint, ProtocolVersion[]? versions = null, int[]? cipherSuites = null)
        : this(new BcTlsCrypto(), identity, offeredProfiles, expectedServerFingerprint, versions, cipherSuites)
    {
    }

    private TestDtlsClient(BcTlsCrypto crypto, DtlsIdentity? identity, int[]? offeredProfiles, string expectedServerFingerprint, ProtocolVersion[]? versions, int[]? cipherSuites)
        : base(crypto)
    {
        _crypto = crypto;
        _identity = identity;
        _offeredProfiles = offeredProfiles;
        _expectedServerFingerprint = expectedServerFingerprint;
        _versions = versions ?? ProtocolVersion.DTLSv12.Only();
        _cipherSuites = cipherSuites;
    }

    public int HandshakeTimeoutMillis { get; init; } = 5000;

    public int ResendMillis { get; init; } = 1000;

    public int SelectedProfile { get; private set; }

    public int SelectedCipherSuite { get; private set; }

    public byte[]? KeyingMaterial { get; private set; }

    public string? ServerFingerprint { get; private set; }

    public IReadOnlyList<(short Level, short Description)> AlertsReceived
    {
        get
        {
            lock (_alertsReceived)
            {
                return [.. _alertsReceived];
            }
        }
    }

    /// <summary>Runs the client handshake over <paramref name="channel"/>; blocks.</summary>
    public DtlsTransport Connect(MemoryDatagramChannel channel) => new DtlsClientProtocol().Connect(this, new TestDatagramTransport(channel));

    public override int GetHandshakeTimeoutMillis() => HandshakeTimeoutMillis;

    public override int GetHandshakeResendTimeMillis() => ResendMillis;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        if (_offeredProfiles is not null)
        {
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(_offeredProfiles, []));
        }

        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var selected = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions)
            ?? throw new TlsFatalAlert(AlertDescription.handshake_failure, "Server did not negotiate use_srtp");
        if (selected.ProtectionProfiles.Length != 1 || _offeredProfiles is null || Array.IndexOf(_offeredProfiles, selected.ProtectionProfiles[0]) < 0)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "Server selected a profile that was not offered");
        }

        SelectedProfile = selected.ProtectionProfiles[0];
    }

    public override void NotifySelectedCipherSuite(int selectedCipherSuite)
    {
        base.NotifySelectedCipherSuite(selectedCipherSuite);
        SelectedCipherSuite = selectedCipherSuite;
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        KeyingMaterial = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpProfiles.KeyingMaterialLength(SelectedProfile));
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription)
    {
        lock (_alertsReceived)
        {
            _alertsReceived.Add((alertLevel, alertDescription));
        }
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    protected override ProtocolVersion[] GetSupportedVersions() => _versions;

    protected override int[] GetSupportedCipherSuites() => _cipherSuites ?? base.GetSupportedCipherSuites();

    private sealed class Authentication(TestDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            var der = serverCertificate.Certificate.GetCertificateAt(0).GetEncoded();
            var fingerprint = string.Join(':', SHA256.HashData(der).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
            if (fingerprint != client._expectedServerFingerprint)
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate, "Server fingerprint does not match");
            }

            client.ServerFingerprint = fingerprint;
        }

        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest)
        {
            if (client._identity is null)
            {
                return null;
            }

            var certificate = new Certificate([client._crypto.CreateCertificate(client._identity.GetCertificateDer())]);
            return new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(client.m_context),
                client._crypto,
                client._identity.PrivateKey,
                certificate,
                SignatureAndHashAlgorithm.GetInstance(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }

    private sealed class TestDatagramTransport(MemoryDatagramChannel channel) : DatagramTransport
    {
        public int GetReceiveLimit() => 1 << 15;

        public int GetSendLimit() => channel.MaxDatagramSize;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        public int Receive(Span<byte> buffer, int waitMillis)
        {
            var received = channel.Receive(buffer, waitMillis > 0 ? waitMillis : 1000);
            if (received == 0)
            {
                throw new IOException("The test channel is closed.");
            }

            return received;
        }

        public void Send(byte[] buf, int off, int len) => channel.Send(buf.AsSpan(off, len));

        public void Send(ReadOnlySpan<byte> buffer) => channel.Send(buffer);

        public void Close()
        {
        }
    }
}
