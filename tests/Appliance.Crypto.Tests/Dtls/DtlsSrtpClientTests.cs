using System.Diagnostics;
using Appliance.Crypto.Dtls;
using Appliance.Crypto.Srtp;
using Org.BouncyCastle.Tls;

namespace Appliance.Crypto.Tests.Dtls;

/// <summary>The DTLS-SRTP client against the appliance's own server, over an in-memory datagram path.</summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public class DtlsSrtpClientTests : DtlsHandshakeFixture
{
    [Test]
    public async Task Client_and_server_agree_on_keys_and_see_each_others_fingerprints()
    {
        await using var pair = await ConnectAsync(GcmThenCm, GcmThenCm);

        Assert.That(pair.Client.Srtp.ProtectionProfile, Is.EqualTo(DtlsSrtpProfiles.AeadAes128Gcm));
        Assert.That(pair.Server.Srtp.ProtectionProfile, Is.EqualTo(DtlsSrtpProfiles.AeadAes128Gcm));
        Assert.That(pair.Client.Srtp.KeyingMaterial, Is.EqualTo(pair.Server.Srtp.KeyingMaterial));
        Assert.That(pair.Client.Srtp.KeyingMaterial, Is.Not.EqualTo(new byte[56]));
        Assert.That(pair.Client.Srtp.RemoteFingerprint, Is.EqualTo(ServerIdentity.Sha256Fingerprint));
        Assert.That(pair.Server.Srtp.RemoteFingerprint, Is.EqualTo(ClientIdentity.Sha256Fingerprint));
    }

    [TestCase(new[] { 7, 1 }, new[] { 7, 1 }, 7)]
    [TestCase(new[] { 1, 7 }, new[] { 7, 1 }, 7)]
    [TestCase(new[] { 1 }, new[] { 7, 1 }, 1)]
    [TestCase(new[] { 7, 1 }, new[] { 1 }, 1)]
    public async Task Server_picks_by_its_own_preference_among_what_the_client_offers(int[] offered, int[] preferred, int expected)
    {
        await using var pair = await ConnectAsync(offered, preferred);

        Assert.That(pair.Client.Srtp.ProtectionProfile, Is.EqualTo(expected));
        Assert.That(pair.Server.Srtp.ProtectionProfile, Is.EqualTo(expected));
        Assert.That(pair.Client.Srtp.KeyingMaterial, Is.EqualTo(pair.Server.Srtp.KeyingMaterial));
    }

    [TestCase(SrtpProfile.AeadAes128Gcm)]
    [TestCase(SrtpProfile.AesCm128HmacSha1_80)]
    public async Task Keys_split_by_role_carry_SRTP_both_ways(SrtpProfile profile)
    {
        int[] only = [(int)profile];
        await using var pair = await ConnectAsync(only, only);
        var (clientSend, clientReceive) = SrtpKeys.FromDtlsExport(pair.Client.Srtp.KeyingMaterial, profile, isServer: false);
        var (serverSend, serverReceive) = SrtpKeys.FromDtlsExport(pair.Server.Srtp.KeyingMaterial, profile, isServer: true);
        using var up = SrtpSession.ForSending(clientSend);
        using var upReceive = SrtpSession.ForReceiving(serverReceive);
        using var down = SrtpSession.ForSending(serverSend);
        using var downReceive = SrtpSession.ForReceiving(clientReceive);

        byte[] rtp = [0x80, 0x60, 0x00, 0x01, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4, 5];
        var buffer = new byte[rtp.Length + 32];
        rtp.CopyTo(buffer, 0);
        Assert.That(up.TryProtectRtp(buffer, rtp.Length, out var length), Is.True);
        Assert.That(upReceive.UnprotectRtp(buffer.AsSpan(0, length), out var plain), Is.EqualTo(SrtpResult.Ok));
        Assert.That(buffer[..plain], Is.EqualTo(rtp));

        rtp.CopyTo(buffer, 0);
        Assert.That(down.TryProtectRtp(buffer, rtp.Length, out length), Is.True);
        Assert.That(downReceive.UnprotectRtp(buffer.AsSpan(0, length), out plain), Is.EqualTo(SrtpResult.Ok));
        Assert.That(buffer[..plain], Is.EqualTo(rtp));
    }

    [Test]
    public async Task Server_with_another_certificate_is_refused_with_bad_certificate()
    {
        using var impostor = DtlsIdentity.Create(TimeProvider.System);
        var (serverChannel, clientChannel) = MemoryDatagramChannel.CreatePair();
        var server = RunBlocking(() => AcceptThenClose(impostor, serverChannel, GcmThenCm));
        var client = RunBlocking(() => DtlsSrtpClient.Connect(ClientIdentity, clientChannel, ServerIdentity.Sha256Fingerprint, GcmThenCm, CancellationToken.None));

        var clientError = await CatchAsync<DtlsHandshakeException>(client);
        var serverError = await CatchAsync<DtlsHandshakeException>(server);

        Assert.That(clientError.Reason, Is.EqualTo(DtlsHandshakeFailure.FingerprintMismatch));
        Assert.That(clientError.AlertDescription, Is.EqualTo(AlertDescription.bad_certificate));
        Assert.That(serverError.Reason, Is.EqualTo(DtlsHandshakeFailure.PeerAlert));
        Assert.That(serverError.AlertDescription, Is.EqualTo(AlertDescription.bad_certificate));
    }

    [Test]
    public async Task Client_the_server_does_not_expect_is_refused_and_hears_why()
    {
        using var other = DtlsIdentity.Create(TimeProvider.System);
        var (serverChannel, clientChannel) = MemoryDatagramChannel.CreatePair();
        var server = RunBlocking(() =>
        {
            try
            {
                return DtlsSrtpServer.Accept(ServerIdentity, serverChannel, other.Sha256Fingerprint, GcmThenCm, CancellationToken.None);
            }
            finally
            {
                serverChannel.ClosePath();
            }
        });
        var client = RunBlocking(() => DtlsSrtpClient.Connect(ClientIdentity, clientChannel, ServerIdentity.Sha256Fingerprint, GcmThenCm, CancellationToken.None));

        var serverError = await CatchAsync<DtlsHandshakeException>(server);
        var clientError = await CatchAsync<DtlsHandshakeException>(client);

        Assert.That(serverError.Reason, Is.EqualTo(DtlsHandshakeFailure.FingerprintMismatch));
        Assert.That(clientError.Reason, Is.EqualTo(DtlsHandshakeFailure.PeerAlert).Or.EqualTo(DtlsHandshakeFailure.ChannelClosed));
        if (clientError.Reason == DtlsHandshakeFailure.PeerAlert)
        {
            Assert.That(clientError.AlertDescription, Is.EqualTo(AlertDescription.bad_certificate));
        }
    }

    [Test]
    public async Task Server_offering_no_common_profile_fails_the_client_too()
    {
        var (serverChannel, clientChannel) = MemoryDatagramChannel.CreatePair();
        var server = RunBlocking(() => AcceptThenClose(ServerIdentity, serverChannel, [DtlsSrtpProfiles.AeadAes128Gcm]));
        var client = RunBlocking(() => DtlsSrtpClient.Connect(ClientIdentity, clientChannel, ServerIdentity.Sha256Fingerprint, [DtlsSrtpProfiles.Aes128CmHmacSha1Tag80], CancellationToken.None));

        var serverError = await CatchAsync<DtlsHandshakeException>(server);
        var clientError = await CatchAsync<DtlsHandshakeException>(client);

        Assert.That(serverError.Reason, Is.EqualTo(DtlsHandshakeFailure.NoCommonSrtpProfile));
        Assert.That(clientError.Reason, Is.EqualTo(DtlsHandshakeFailure.PeerAlert));
        Assert.That(clientError.AlertDescription, Is.EqualTo(AlertDescription.handshake_failure));
    }

    [Test]
    public async Task Silent_server_times_the_client_out_after_retransmitting_its_ClientHello()
    {
        var (serverChannel, clientChannel) = MemoryDatagramChannel.CreatePair();
        var options = new DtlsServerOptions { HandshakeTimeout = TimeSpan.FromSeconds(1), InitialRetransmitTimeout = TimeSpan.FromMilliseconds(200) };
        var stopwatch = Stopwatch.StartNew();

        var client = RunBlocking(() => DtlsSrtpClient.Connect(ClientIdentity, clientChannel, ServerIdentity.Sha256Fingerprint, GcmThenCm, options, CancellationToken.None));
        var error = await CatchAsync<DtlsHandshakeException>(client);

        Assert.That(error.Reason, Is.EqualTo(DtlsHandshakeFailure.TimedOut));
        Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)).And.LessThan(TimeSpan.FromSeconds(5)), "well before the default 10 s");
        Assert.That(clientChannel.SentCount, Is.GreaterThanOrEqualTo(2), "the ClientHello and at least one retransmission");
        Assert.That(serverChannel.Receive(new byte[2048], 0), Is.GreaterThan(100), "a ClientHello reached the server side");
    }

    [Test]
    public async Task Cancellation_ends_a_waiting_client_promptly()
    {
        var (_, clientChannel) = MemoryDatagramChannel.CreatePair();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var stopwatch = Stopwatch.StartNew();

        var client = RunBlocking(() => DtlsSrtpClient.Connect(ClientIdentity, clientChannel, ServerIdentity.Sha256Fingerprint, GcmThenCm, cancellation.Token));
        await CatchAsync<OperationCanceledException>(client);

        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "well before the 10 s handshake timeout");
    }

    [Test]
    public async Task Closing_either_side_ends_the_other_sides_Serve_with_ClosedByPeer()
    {
        await using (var pair = await ConnectAsync(GcmThenCm, GcmThenCm))
        {
            var clientServing = RunBlocking(() => pair.Client.Serve(CancellationToken.None));
            pair.Server.Close();
            Assert.That(await clientServing.WaitAsync(Guard), Is.EqualTo(DtlsSessionEnd.ClosedByPeer));
        }

        await using (var pair = await ConnectAsync(GcmThenCm, GcmThenCm))
        {
            var serverServing = RunBlocking(() => pair.Server.Serve(CancellationToken.None));
            pair.Client.Close();
            Assert.That(await serverServing.WaitAsync(Guard), Is.EqualTo(DtlsSessionEnd.ClosedByPeer));
        }
    }

    [Test]
    public void Connect_refuses_malformed_fingerprints_and_unknown_or_no_profiles()
    {
        var (_, clientChannel) = MemoryDatagramChannel.CreatePair();

        Assert.That(() => DtlsSrtpClient.Connect(ClientIdentity, clientChannel, "sha-256 " + ServerIdentity.Sha256Fingerprint, GcmThenCm, CancellationToken.None), Throws.ArgumentException);
        Assert.That(() => DtlsSrtpClient.Connect(ClientIdentity, clientChannel, ServerIdentity.Sha256Fingerprint, [5], CancellationToken.None), Throws.ArgumentException);
        Assert.That(() => DtlsSrtpClient.Connect(ClientIdentity, clientChannel, ServerIdentity.Sha256Fingerprint, [], CancellationToken.None), Throws.ArgumentException);
        Assert.That(clientChannel.SentCount, Is.Zero);
    }

    [Test]
    public void Connect_refuses_a_disposed_identity()
    {
        var (_, clientChannel) = MemoryDatagramChannel.CreatePair();
        var identity = DtlsIdentity.Create(TimeProvider.System);
        identity.Dispose();

        Assert.That(() => DtlsSrtpClient.Connect(identity, clientChannel, ServerIdentity.Sha256Fingerprint, GcmThenCm, CancellationToken.None),
            Throws.InstanceOf<ObjectDisposedException>());
    }

    private DtlsSession AcceptThenClose(DtlsIdentity identity, MemoryDatagramChannel channel, int[] preferred)
    {
        try
        {
            return DtlsSrtpServer.Accept(identity, channel, ClientIdentity.Sha256Fingerprint, preferred, CancellationToken.None);
        }
        finally
        {
            // What the media plane does with a failed peer; the client drains what was sent, then sees the end.
            channel.ClosePath();
        }
    }

    private async Task<Connected> ConnectAsync(int[] offered, int[] preferred)
    {
        var (serverChannel, clientChannel) = MemoryDatagramChannel.CreatePair();
        var server = RunBlocking(() => DtlsSrtpServer.Accept(ServerIdentity, serverChannel, ClientIdentity.Sha256Fingerprint, preferred, CancellationToken.None));
        var client = RunBlocking(() => DtlsSrtpClient.Connect(ClientIdentity, clientChannel, ServerIdentity.Sha256Fingerprint, offered, CancellationToken.None));
        return new Connected(await server.WaitAsync(Guard), await client.WaitAsync(Guard));
    }

    private sealed record Connected(DtlsSession Server, DtlsSession Client) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Server.Close();
            Client.Close();
            return ValueTask.CompletedTask;
        }
    }
}
