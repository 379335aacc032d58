using System.Diagnostics;
using System.Security.Cryptography;
using Appliance.Crypto.Dtls;
using Org.BouncyCastle.Tls;

namespace Appliance.Crypto.Tests.Dtls;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public class DtlsSrtpServerTests : DtlsHandshakeFixture
{
    [Test]
    public async Task Handshake_completes_and_both_sides_export_the_same_keying_material()
    {
        var client = NewClient([DtlsSrtpProfiles.AeadAes128Gcm, DtlsSrtpProfiles.Aes128CmHmacSha1Tag80]);

        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        var srtp = run.Session.Srtp;
        Assert.That(srtp.KeyingMaterial, Has.Length.EqualTo(56));
        Assert.That(client.KeyingMaterial, Is.EqualTo(srtp.KeyingMaterial));
        Assert.That(srtp.KeyingMaterial, Is.Not.EqualTo(new byte[56]));
        Assert.That(srtp.RemoteFingerprint, Is.EqualTo(ClientIdentity.Sha256Fingerprint));
        Assert.That(client.ServerFingerprint, Is.EqualTo(ServerIdentity.Sha256Fingerprint));
    }

    [Test]
    public async Task Two_handshakes_export_different_keying_material()
    {
        var first = NewClient(GcmThenCm);
        var second = NewClient(GcmThenCm);

        await using var one = await HandshakeAsync(first, ClientIdentity.Sha256Fingerprint, GcmThenCm);
        await using var two = await HandshakeAsync(second, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        Assert.That(two.Session.Srtp.KeyingMaterial, Is.Not.EqualTo(one.Session.Srtp.KeyingMaterial));
    }

    [TestCase(new[] { 7, 1 }, new[] { 7, 1 }, 7, 56)]
    [TestCase(new[] { 1, 7 }, new[] { 7, 1 }, 7, 56)]
    [TestCase(new[] { 1 }, new[] { 7, 1 }, 1, 60)]
    [TestCase(new[] { 7, 1 }, new[] { 1, 7 }, 1, 60)]
    [TestCase(new[] { 2, 7 }, new[] { 7, 1 }, 7, 56)]
    public async Task Server_chooses_its_first_preferred_profile_that_the_client_offers(int[] offered, int[] preferred, int expectedProfile, int expectedLength)
    {
        var client = NewClient(offered);

        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, preferred);

        Assert.That(run.Session.Srtp.ProtectionProfile, Is.EqualTo(expectedProfile));
        Assert.That(client.SelectedProfile, Is.EqualTo(expectedProfile));
        Assert.That(run.Session.Srtp.KeyingMaterial, Has.Length.EqualTo(expectedLength));
        Assert.That(client.KeyingMaterial, Is.EqualTo(run.Session.Srtp.KeyingMaterial));
    }

    [Test]
    public async Task Handshake_negotiates_DTLS_1_2_with_an_ECDHE_ECDSA_AES_GCM_suite()
    {
        var client = NewClient(GcmThenCm);

        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        Assert.That(client.SelectedCipherSuite, Is.EqualTo(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
    }

    [Test]
    public async Task Expected_fingerprint_is_compared_without_regard_to_case()
    {
        var client = NewClient(GcmThenCm);

        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint.ToLowerInvariant(), GcmThenCm);

        Assert.That(run.Session.Srtp.RemoteFingerprint, Is.EqualTo(ClientIdentity.Sha256Fingerprint));
    }

    [Test]
    public async Task Wrong_expected_fingerprint_fails_the_handshake_with_bad_certificate()
    {
        using var other = DtlsIdentity.Create(TimeProvider.System);
        var client = NewClient(GcmThenCm);

        var (serverError, clientError) = await FailingHandshakeAsync(client, other.Sha256Fingerprint, GcmThenCm);

        Assert.That(serverError.Reason, Is.EqualTo(DtlsHandshakeFailure.FingerprintMismatch));
        Assert.That(serverError.AlertDescription, Is.EqualTo(AlertDescription.bad_certificate));
        Assert.That(clientError, Is.InstanceOf<TlsFatalAlertReceived>());
        Assert.That(((TlsFatalAlertReceived)clientError).AlertDescription, Is.EqualTo(AlertDescription.bad_certificate));
        Assert.That(client.KeyingMaterial, Is.Null);
    }

    [TestCase(null)]
    [TestCase(new[] { 2 })]
    public async Task Client_offering_no_acceptable_SRTP_profile_fails_the_handshake(int[]? offered)
    {
        var client = NewClient(offered);

        var (serverError, _) = await FailingHandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        Assert.That(serverError.Reason, Is.EqualTo(DtlsHandshakeFailure.NoCommonSrtpProfile));
        Assert.That(serverError.AlertDescription, Is.EqualTo(AlertDescription.handshake_failure));
        Assert.That(client.AlertsReceived, Does.Contain(((short)AlertLevel.fatal, (short)AlertDescription.handshake_failure)));
        Assert.That(client.KeyingMaterial, Is.Null);
    }

    [Test]
    public async Task Client_that_sends_no_certificate_fails_the_handshake()
    {
        var client = new TestDtlsClient(null, GcmThenCm, ServerIdentity.Sha256Fingerprint);

        var (serverError, clientError) = await FailingHandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        Assert.That(serverError.Reason, Is.EqualTo(DtlsHandshakeFailure.NoClientCertificate));
        Assert.That(clientError, Is.InstanceOf<TlsFatalAlertReceived>());
        Assert.That(((TlsFatalAlertReceived)clientError).AlertDescription, Is.EqualTo(AlertDescription.handshake_failure));
    }

    [Test]
    public async Task Client_limited_to_DTLS_1_0_is_refused()
    {
        var client = new TestDtlsClient(ClientIdentity, GcmThenCm, ServerIdentity.Sha256Fingerprint, versions: ProtocolVersion.DTLSv10.Only());

        var (serverError, _) = await FailingHandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        Assert.That(serverError.Reason, Is.EqualTo(DtlsHandshakeFailure.ProtocolError));
        Assert.That(serverError.AlertDescription, Is.EqualTo(AlertDescription.protocol_version));
    }

    [Test]
    public async Task Client_without_an_ECDHE_ECDSA_AEAD_suite_is_refused()
    {
        int[] cbcOnly = [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256];
        var client = new TestDtlsClient(ClientIdentity, GcmThenCm, ServerIdentity.Sha256Fingerprint, cipherSuites: cbcOnly);

        var (serverError, _) = await FailingHandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        Assert.That(serverError.Reason, Is.EqualTo(DtlsHandshakeFailure.ProtocolError));
        Assert.That(serverError.AlertDescription, Is.EqualTo(AlertDescription.handshake_failure));
    }

    [Test]
    public async Task Garbage_datagrams_before_the_ClientHello_do_not_break_the_handshake()
    {
        var pair = MemoryDatagramChannel.CreatePair();
        foreach (var datagram in Garbage())
        {
            pair.Server.Inject(datagram);
        }

        var client = NewClient(GcmThenCm);

        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm, pair);

        Assert.That(client.KeyingMaterial, Is.EqualTo(run.Session.Srtp.KeyingMaterial));
    }

    [Test]
    public async Task Well_framed_ClientHello_with_a_garbage_body_fails_as_a_protocol_error()
    {
        var (server, _) = MemoryDatagramChannel.CreatePair();
        byte[] body = [.. Enumerable.Repeat((byte)0xEE, 20)];
        server.Inject([22, 0xFE, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 1, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 20, .. body]);

        var accept = RunBlocking(() => DtlsSrtpServer.Accept(ServerIdentity, server, ClientIdentity.Sha256Fingerprint, GcmThenCm, CancellationToken.None));
        var error = await CatchAsync<DtlsHandshakeException>(accept);

        Assert.That(error.Reason, Is.EqualTo(DtlsHandshakeFailure.ProtocolError));
    }

    [Test]
    public async Task Mutated_ClientHellos_end_in_DtlsHandshakeException_and_nothing_else()
    {
        var clientHello = await CaptureClientHelloAsync();
        var options = new DtlsServerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(600), InitialRetransmitTimeout = TimeSpan.FromMilliseconds(300) };

        // One byte flipped per copy, spread over the whole datagram: header, handshake header, extensions.
        var attempts = Enumerable.Range(1, 32).Select(k =>
        {
            var mutated = (byte[])clientHello.Clone();
            mutated[k * 7919 % mutated.Length] ^= (byte)((k * 31) | 1);
            var (server, _) = MemoryDatagramChannel.CreatePair();
            server.Inject(mutated);
            return RunBlocking(() => DtlsSrtpServer.Accept(ServerIdentity, server, ClientIdentity.Sha256Fingerprint, GcmThenCm, options, CancellationToken.None));
        }).ToList();

        foreach (var attempt in attempts)
        {
            var error = await CatchAsync<DtlsHandshakeException>(attempt);
            Assert.That(error.Reason, Is.EqualTo(DtlsHandshakeFailure.TimedOut).Or.EqualTo(DtlsHandshakeFailure.ProtocolError));
        }
    }

    [Test]
    public async Task Silent_client_times_out_with_DtlsHandshakeException_within_the_timeout()
    {
        var (server, _) = MemoryDatagramChannel.CreatePair();
        var options = new DtlsServerOptions { HandshakeTimeout = TimeSpan.FromSeconds(1), InitialRetransmitTimeout = TimeSpan.FromMilliseconds(200) };
        var stopwatch = Stopwatch.StartNew();

        var accept = RunBlocking(() => DtlsSrtpServer.Accept(ServerIdentity, server, ClientIdentity.Sha256Fingerprint, GcmThenCm, options, CancellationToken.None));
        var error = await CatchAsync<DtlsHandshakeException>(accept);
        stopwatch.Stop();

        Assert.That(error.Reason, Is.EqualTo(DtlsHandshakeFailure.TimedOut));
        Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)).And.LessThan(TimeSpan.FromSeconds(5)), "well before the default 10 s");
        Assert.That(server.SentCount, Is.Zero, "nothing is sent before a ClientHello");
    }

    [Test]
    public void Default_handshake_timeout_is_ten_seconds()
    {
        Assert.That(DtlsServerOptions.Default.HandshakeTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task Lossy_channel_dropping_every_third_datagram_still_completes_through_retransmission()
    {
        var pair = MemoryDatagramChannel.CreatePair();
        pair.Server.Drops = (n, _) => n % 3 == 0;
        pair.Client.Drops = (n, _) => n % 3 == 0;
        var options = new DtlsServerOptions { HandshakeTimeout = TimeSpan.FromSeconds(10), InitialRetransmitTimeout = TimeSpan.FromMilliseconds(100) };
        var client = new TestDtlsClient(ClientIdentity, GcmThenCm, ServerIdentity.Sha256Fingerprint) { ResendMillis = 100, HandshakeTimeoutMillis = 10_000 };

        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm, pair, options);

        Assert.That(pair.Server.DroppedCount + pair.Client.DroppedCount, Is.GreaterThan(0));
        Assert.That(client.KeyingMaterial, Is.EqualTo(run.Session.Srtp.KeyingMaterial));
    }

    [Test]
    public async Task Lost_final_server_flight_is_resent_when_the_client_retransmits()
    {
        var pair = MemoryDatagramChannel.CreatePair();
        // The server's last flight is ChangeCipherSpec (record type 20) and Finished (the first record of epoch 1).
        // Losing both leaves the client retransmitting its own last flight; only a serving session answers it.
        var lostChangeCipherSpec = 0;
        var lostFinished = 0;
        pair.Server.Drops = (_, datagram) =>
            (datagram[0] == 20 && Interlocked.Exchange(ref lostChangeCipherSpec, 1) == 0)
            || (datagram[0] == 22 && datagram[3] == 0 && datagram[4] == 1 && Interlocked.Exchange(ref lostFinished, 1) == 0);
        var options = new DtlsServerOptions { InitialRetransmitTimeout = TimeSpan.FromMilliseconds(100) };
        var client = new TestDtlsClient(ClientIdentity, GcmThenCm, ServerIdentity.Sha256Fingerprint) { ResendMillis = 100 };

        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm, pair, options);

        Assert.That(pair.Server.DroppedCount, Is.EqualTo(2));
        Assert.That(lostFinished, Is.EqualTo(1), "the Finished was lost once and sent again");
        Assert.That(client.KeyingMaterial, Is.EqualTo(run.Session.Srtp.KeyingMaterial));
    }

    [Test]
    public async Task Cancellation_ends_a_waiting_handshake_promptly()
    {
        var (server, _) = MemoryDatagramChannel.CreatePair();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var stopwatch = Stopwatch.StartNew();

        var accept = RunBlocking(() => DtlsSrtpServer.Accept(ServerIdentity, server, ClientIdentity.Sha256Fingerprint, GcmThenCm, cancellation.Token));
        await CatchAsync<OperationCanceledException>(accept);

        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "well before the 10 s handshake timeout");
    }

    [Test]
    public async Task Closing_the_channel_during_the_handshake_fails_it_as_channel_closed()
    {
        var (server, _) = MemoryDatagramChannel.CreatePair();
        var accept = RunBlocking(() => DtlsSrtpServer.Accept(ServerIdentity, server, ClientIdentity.Sha256Fingerprint, GcmThenCm, CancellationToken.None));
        await Task.Delay(100);

        server.ClosePath();
        var error = await CatchAsync<DtlsHandshakeException>(accept);

        Assert.That(error.Reason, Is.EqualTo(DtlsHandshakeFailure.ChannelClosed));
    }

    [Test]
    public async Task Close_sends_close_notify_to_the_client()
    {
        var client = NewClient(GcmThenCm);
        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        run.Session.Close();
        var buffer = new byte[2048];
        run.ClientTransport.Receive(buffer, 0, buffer.Length, 1000);

        Assert.That(run.Session.IsClosed, Is.True);
        Assert.That(client.AlertsReceived, Does.Contain(((short)AlertLevel.warning, (short)AlertDescription.close_notify)));
        Assert.That(await run.StopServingAsync(), Is.EqualTo(DtlsSessionEnd.ClosedLocally));
    }

    [Test]
    public async Task Serve_returns_when_the_client_sends_close_notify()
    {
        var client = NewClient(GcmThenCm);
        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        run.ClientTransport.Close();

        Assert.That(await run.Serving.WaitAsync(Guard), Is.EqualTo(DtlsSessionEnd.ClosedByPeer));
        Assert.That(run.Session.IsClosed, Is.True);
    }

    [Test]
    public async Task Serve_returns_cancelled_and_leaves_the_session_open()
    {
        var client = NewClient(GcmThenCm);
        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm);

        Assert.That(await run.StopServingAsync(), Is.EqualTo(DtlsSessionEnd.Cancelled));
        Assert.That(run.Session.IsClosed, Is.False);
    }

    [Test]
    public async Task Serve_ignores_garbage_after_the_handshake()
    {
        var pair = MemoryDatagramChannel.CreatePair();
        var client = NewClient(GcmThenCm);
        await using var run = await HandshakeAsync(client, ClientIdentity.Sha256Fingerprint, GcmThenCm, pair);

        foreach (var datagram in Garbage())
        {
            pair.Server.Inject(datagram);
        }

        // Application data with a forged record in the current epoch: fails authentication, is dropped.
        pair.Server.Inject([23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 24, .. new byte[24]]);
        await Task.Delay(300);

        Assert.That(run.Serving.IsCompleted, Is.False);
        Assert.That(run.Session.IsClosed, Is.False);
    }

    [Test]
    public void Accept_refuses_a_malformed_expected_fingerprint()
    {
        var (server, _) = MemoryDatagramChannel.CreatePair();

        Assert.That(() => DtlsSrtpServer.Accept(ServerIdentity, server, "sha-256 " + ClientIdentity.Sha256Fingerprint, GcmThenCm, CancellationToken.None),
            Throws.ArgumentException);
        Assert.That(() => DtlsSrtpServer.Accept(ServerIdentity, server, ClientIdentity.Sha256Fingerprint.Replace(':', '-'), GcmThenCm, CancellationToken.None),
            Throws.ArgumentException);
        Assert.That(server.SentCount, Is.Zero);
    }

    [Test]
    public void Accept_refuses_unknown_or_no_profiles()
    {
        var (server, _) = MemoryDatagramChannel.CreatePair();

        Assert.That(() => DtlsSrtpServer.Accept(ServerIdentity, server, ClientIdentity.Sha256Fingerprint, [5], CancellationToken.None), Throws.ArgumentException);
        Assert.That(() => DtlsSrtpServer.Accept(ServerIdentity, server, ClientIdentity.Sha256Fingerprint, [], CancellationToken.None), Throws.ArgumentException);
    }

    [Test]
    public void Accept_refuses_a_disposed_identity()
    {
        var (server, _) = MemoryDatagramChannel.CreatePair();
        var identity = DtlsIdentity.Create(TimeProvider.System);
        identity.Dispose();

        Assert.That(() => DtlsSrtpServer.Accept(identity, server, ClientIdentity.Sha256Fingerprint, GcmThenCm, CancellationToken.None),
            Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void Result_text_shows_neither_keys_nor_fingerprint()
    {
        var result = new DtlsSrtpResult(7, [1, 2, 3], "AB:CD");

        Assert.That(result.ToString(), Is.EqualTo("DtlsSrtpResult { ProtectionProfile = 7 }"));
    }

    private TestDtlsClient NewClient(int[]? offered) => new(ClientIdentity, offered, ServerIdentity.Sha256Fingerprint);

    /// <summary>Datagrams no peer would send: other protocols, cut or overlong headers, records the server cannot read yet.</summary>
    private static IEnumerable<byte[]> Garbage()
    {
        // Deterministic noise; System.Random is banned and the exact bytes do not matter, only that they repeat.
        for (var i = 0; i < 20; i++)
        {
            var noise = SHA256.HashData(BitConverter.GetBytes(i));
            yield return noise.AsSpan(0, 1 + (i % 32)).ToArray();
        }

        yield return [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, .. new byte[12]];  // STUN binding request
        yield return [0x80, 0x60, 0x00, 0x01, .. new byte[40]];                           // RTP
        yield return [22, 0xFE, 0xFD, 0, 0];                                               // cut header
        yield return [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xF4, .. new byte[20]]; // claims 500 bytes, has 20
        yield return [22, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0];           // TLS, not DTLS
        yield return [23, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 7, 0, 4, 1, 2, 3, 4];           // application data before a handshake
        yield return [22, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4];           // handshake in epoch 1
        yield return [21, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 8, 0, 3, 2, 40, 0];             // alert of the wrong length
        yield return [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 9, 0, 12, 1, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 12]; // fragment past its message
    }

    private async Task<byte[]> CaptureClientHelloAsync()
    {
        var (server, clientChannel) = MemoryDatagramChannel.CreatePair();
        var client = new TestDtlsClient(ClientIdentity, GcmThenCm, ServerIdentity.Sha256Fingerprint) { HandshakeTimeoutMillis = 2000 };
        var connect = RunBlocking(() => client.Connect(clientChannel));
        var buffer = new byte[2048];
        var length = server.Receive(buffer, 5000);
        server.ClosePath();
        await CatchAsync<IOException>(connect);
        Assert.That(length, Is.GreaterThan(100), "a ClientHello");
        return buffer[..length];
    }

    private async Task<Run> HandshakeAsync(TestDtlsClient client, string expectedFingerprint, int[] preferred,
        (MemoryDatagramChannel Server, MemoryDatagramChannel Client)? pair = null, DtlsServerOptions? options = null)
    {
        var (server, clientChannel) = pair ?? MemoryDatagramChannel.CreatePair();
        var serving = new CancellationTokenSource();
        var accepted = new TaskCompletionSource<DtlsSession>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The server's worker: handshake, then serve, as the media plane runs it.
        var serverWorker = RunBlocking(() =>
        {
            DtlsSession session;
            try
            {
                session = DtlsSrtpServer.Accept(ServerIdentity, server, expectedFingerprint, preferred, options ?? DtlsServerOptions.Default, CancellationToken.None);
            }
            catch (Exception ex)
            {
                accepted.SetException(ex);
                throw;
            }

            accepted.SetResult(session);
            return session.Serve(serving.Token);
        });
        var clientTransport = await RunBlocking(() => client.Connect(clientChannel)).WaitAsync(Guard);
        var session = await accepted.Task.WaitAsync(Guard);
        return new Run(session, clientTransport, serverWorker, serving, server);
    }

    private async Task<(DtlsHandshakeException Server, Exception Client)> FailingHandshakeAsync(TestDtlsClient client, string expectedFingerprint, int[] preferred)
    {
        var (server, clientChannel) = MemoryDatagramChannel.CreatePair();
        var serverTask = RunBlocking(() =>
        {
            try
            {
                return DtlsSrtpServer.Accept(ServerIdentity, server, expectedFingerprint, preferred, CancellationToken.None);
            }
            finally
            {
                // What the media plane does with a failed peer; the client drains what was sent, then stops.
                server.ClosePath();
            }
        });
        var clientTask = RunBlocking(() => client.Connect(clientChannel));

        var serverError = await CatchAsync<DtlsHandshakeException>(serverTask);
        var clientError = await CatchAsync<Exception>(clientTask);
        return (serverError, clientError);
    }

    private sealed class Run(DtlsSession session, DtlsTransport clientTransport, Task<DtlsSessionEnd> serving, CancellationTokenSource stopServing, MemoryDatagramChannel server)
        : IAsyncDisposable
    {
        public DtlsSession Session { get; } = session;

        public DtlsTransport ClientTransport { get; } = clientTransport;

        public Task<DtlsSessionEnd> Serving { get; } = serving;

        public async Task<DtlsSessionEnd> StopServingAsync()
        {
            await stopServing.CancelAsync();
            return await Serving.WaitAsync(Guard);
        }

        public async ValueTask DisposeAsync()
        {
            await stopServing.CancelAsync();
            await Serving.WaitAsync(Guard);
            Session.Dispose();
            server.ClosePath();
            stopServing.Dispose();
        }
    }
}
