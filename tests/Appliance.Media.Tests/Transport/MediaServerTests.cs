using System.Net;
using System.Net.Sockets;
using Appliance.Crypto.Dtls;
using Appliance.Crypto.Srtp;
using Appliance.Media.Client;
using Appliance.Media.Stun;
using Appliance.Media.Transport;

namespace Appliance.Media.Tests.Transport;

/// <summary>
/// The media server end to end on 127.0.0.1: real sockets, ICE, DTLS and SRTP against the client endpoint; with
/// batched I/O (sendmmsg/recvmmsg on Linux) and with the socket's one-datagram calls.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
[Parallelizable(ParallelScope.All)]
public class MediaServerTests(bool batchedIo)
{
    // TLS alert 42 (RFC 5246 section 7.2); BouncyCastle's constants stay inside crypto/.
    private const int BadCertificateAlert = 42;

    private static readonly int[] CmOnly = [DtlsSrtpProfiles.Aes128CmHmacSha1Tag80];

    private DtlsIdentity _serverIdentity = null!;
    private DtlsIdentity _clientIdentity = null!;
    private DtlsIdentity _otherIdentity = null!;

    [OneTimeSetUp]
    public void CreateIdentities()
    {
        _serverIdentity = DtlsIdentity.Create(TimeProvider.System);
        _clientIdentity = DtlsIdentity.Create(TimeProvider.System);
        _otherIdentity = DtlsIdentity.Create(TimeProvider.System);
    }

    [OneTimeTearDown]
    public void DisposeIdentities()
    {
        _serverIdentity.Dispose();
        _clientIdentity.Dispose();
        _otherIdentity.Dispose();
    }

    [TestCase(null, SrtpProfile.AeadAes128Gcm)]
    [TestCase(new[] { 1, 7 }, SrtpProfile.AeadAes128Gcm)]
    [TestCase(new[] { 1 }, SrtpProfile.AesCm128HmacSha1_80)]
    public async Task Client_connects_through_ICE_DTLS_and_SRTP_with_GCM_preferred(int[]? offered, SrtpProfile expected)
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);

        var (client, peer) = await rig.ConnectAsync(_clientIdentity, offered);

        Assert.That(peer.Profile, Is.EqualTo(expected));
        Assert.That(client.Profile, Is.EqualTo(expected));
        Assert.That(client.IsConnected, Is.True);
        Assert.That(rig.Handler.Connected, Is.EquivalentTo(new[] { peer }));
        Assert.That(peer.TryGetRemoteAddress(out var remote) && remote == TransportAddress.FromEndPoint(client.LocalEndPoint), Is.True);
        var counters = peer.GetCounters();
        Assert.That(counters[MediaCounter.StunSuccessResponses], Is.GreaterThanOrEqualTo(1));
        Assert.That(counters[MediaCounter.DtlsReceived], Is.GreaterThanOrEqualTo(2), "ClientHello, then the client's second flight");
        Assert.That(counters[MediaCounter.DtlsHandshakesSucceeded], Is.EqualTo(1));
        Assert.That(rig.Server.GetCounters()[MediaCounter.DtlsHandshakesSucceeded], Is.EqualTo(1));
        Assert.That(rig.Server.PeerCount, Is.EqualTo(1));
    }

    [Test]
    public async Task RTP_from_A_reaches_B_decrypted_and_byte_identical_across_profiles()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity);
        var (b, peerB) = await rig.ConnectAsync(_clientIdentity, CmOnly);
        var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        b.RtpReceived = packet => received.Enqueue(packet.ToArray());
        var sent = Enumerable.Range(1, 50).Select(i => TestMedia.Rtp(0xA1, (ushort)i, 20 + (i * 23), (byte)i)).ToList();

        foreach (var packet in sent)
        {
            Assert.That(a.SendRtp(packet), Is.True);
        }

        await MediaRig.WaitUntilAsync(() => received.Count == sent.Count, "B to receive every packet");

        Assert.That(peerA.Profile, Is.EqualTo(SrtpProfile.AeadAes128Gcm));
        Assert.That(peerB.Profile, Is.EqualTo(SrtpProfile.AesCm128HmacSha1_80));
        Assert.That(received, Is.EqualTo(sent), "same packets, same order, decrypted");
        Assert.That(peerA.GetCounters()[MediaCounter.RtpReceived], Is.EqualTo(50));
        Assert.That(peerB.GetCounters()[MediaCounter.RtpSent], Is.EqualTo(50));
        Assert.That(a.RtpPacketsReceived, Is.Zero, "nothing is echoed to the sender");
        Assert.That(b.SrtpFailures, Is.Zero);
    }

    [Test]
    public async Task Bursts_fanned_out_to_three_reach_each_in_order_and_are_counted_per_peer()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity);
        var receivers = new List<(WebRtcClientEndpoint Client, MediaPeer Peer, System.Collections.Concurrent.ConcurrentQueue<byte[]> Received)>();
        for (var i = 0; i < 3; i++)
        {
            var (client, peer) = await rig.ConnectAsync(_clientIdentity, i == 1 ? CmOnly : null);
            var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
            client.RtpReceived = packet => received.Enqueue(packet.ToArray());
            receivers.Add((client, peer, received));
        }

        Assert.That(rig.Server.UsesBatchedIo, Is.EqualTo(batchedIo && OperatingSystem.IsLinux()), "batched I/O where asked for and available");
        var sent = Enumerable.Range(1, 300).Select(i => TestMedia.Rtp(0xA1, (ushort)i, 100 + (i % 7 * 50), (byte)i)).ToList();
        var serverSent0 = rig.Server.GetCounters()[MediaCounter.BytesSent];

        // Back to back in bursts of 60, so that the server's receive calls take many at once and each burst's
        // 180 sends overflow a 64-datagram batch; the pause keeps the bursts inside the socket buffers.
        for (var i = 0; i < sent.Count; i++)
        {
            Assert.That(a.SendRtp(sent[i]), Is.True);
            if (i % 60 == 59)
            {
                var through = i + 1;
                await MediaRig.WaitUntilAsync(() => receivers.All(r => r.Received.Count == through), "every receiver to have the burst");
            }
        }

        var payloadBytes = sent.Sum(p => (long)p.Length);
        foreach (var (client, peer, received) in receivers)
        {
            Assert.That(received, Is.EqualTo(sent), $"{peer}: every packet, in order");
            var tag = peer.Profile == SrtpProfile.AesCm128HmacSha1_80 ? 10 : 16;
            await MediaRig.WaitUntilAsync(() => peer.GetCounters()[MediaCounter.RtpSent] == sent.Count, $"{peer} to count its sends");
            Assert.That(peer.GetCounters()[MediaCounter.BytesSent], Is.EqualTo(payloadBytes + (sent.Count * tag)), $"{peer}: protected bytes");
            Assert.That(peer.GetCounters()[MediaCounter.SendFailures], Is.Zero);
            Assert.That(client.SrtpFailures, Is.Zero);
        }

        Assert.That(rig.Server.GetCounters()[MediaCounter.BytesSent] - serverSent0, Is.EqualTo((3 * payloadBytes) + (sent.Count * (16 + 10 + 16))));
        Assert.That(peerA.GetCounters()[MediaCounter.RtpSent], Is.Zero);
    }

    [Test]
    public async Task A_send_the_kernel_refuses_fails_for_that_peer_alone()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (a, _) = await rig.ConnectAsync(_clientIdentity);
        var (b, peerB) = await rig.ConnectAsync(_clientIdentity);
        var (c, peerC) = await rig.ConnectAsync(_clientIdentity);
        var (d, peerD) = await rig.ConnectAsync(_clientIdentity);

        // UDP to port 0 is refused by the kernel at the send call (EINVAL); set on the receive thread, which owns it.
        var refused = new IPEndPoint(IPAddress.Loopback, 0).Serialize();
        rig.Handler.OnRtpProbe = sequence =>
        {
            if (sequence == 1)
            {
                peerC.SendAddress = refused;
            }
        };
        for (var i = 1; i <= 100; i++)
        {
            Assert.That(a.SendRtp(TestMedia.Rtp(0xA1, (ushort)i, 200, (byte)i)), Is.True);
        }

        await MediaRig.WaitUntilAsync(() => b.RtpPacketsReceived == 100 && d.RtpPacketsReceived == 100, "B and D to receive every packet");
        await MediaRig.WaitUntilAsync(() => peerC.GetCounters()[MediaCounter.SendFailures] == 100, "C's refused sends to be counted");
        Assert.That(peerC.GetCounters()[MediaCounter.RtpSent], Is.Zero);
        Assert.That(c.RtpPacketsReceived, Is.Zero);
        await MediaRig.WaitUntilAsync(() => peerB.GetCounters()[MediaCounter.RtpSent] == 100 && peerD.GetCounters()[MediaCounter.RtpSent] == 100, "B's and D's sends to be counted");
        Assert.That(peerB.GetCounters()[MediaCounter.SendFailures] + peerD.GetCounters()[MediaCounter.SendFailures], Is.Zero);
        Assert.That(rig.Errors, Is.Empty);
    }

    [Test]
    public async Task RTCP_from_A_reaches_B_decrypted_and_byte_identical()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity);
        var (b, peerB) = await rig.ConnectAsync(_clientIdentity, CmOnly);
        var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        b.RtcpReceived = packet => received.Enqueue(packet.ToArray());
        var compound = TestMedia.RtcpReceiverReportAndPli(0xA1, 0xB2);

        Assert.That(a.SendRtcp(compound), Is.True);
        Assert.That(a.SendRtcp(compound), Is.True);
        await MediaRig.WaitUntilAsync(() => received.Count == 2, "B to receive both RTCP packets");

        Assert.That(received, Is.All.EqualTo(compound));
        Assert.That(peerA.GetCounters()[MediaCounter.RtcpReceived], Is.EqualTo(2));
        Assert.That(peerB.GetCounters()[MediaCounter.RtcpSent], Is.EqualTo(2));
        Assert.That(rig.Handler.RtcpFrom(peerA), Is.EqualTo(2));
    }

    [Test]
    public async Task Client_whose_certificate_the_server_does_not_expect_is_refused_and_nothing_it_sends_reaches_the_handler()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var client = rig.NewClient(_clientIdentity);
        var peer = rig.Server.AddPeer(_otherIdentity.Sha256Fingerprint, client.LocalIceCredentials.Ufrag);

        var error = Assert.ThrowsAsync<DtlsHandshakeException>(() =>
            client.ConnectAsync(rig.Candidate, peer.LocalIceCredentials.Ufrag, peer.LocalIceCredentials.Password, peer.LocalFingerprint).WaitAsync(MediaRig.Guard));

        Assert.That(error!.Reason, Is.EqualTo(DtlsHandshakeFailure.PeerAlert));
        Assert.That(error.AlertDescription, Is.EqualTo(BadCertificateAlert));
        Assert.That(await peer.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.DtlsFailed));
        Assert.That(peer.DtlsFailure, Is.EqualTo(DtlsHandshakeFailure.FingerprintMismatch));
        Assert.That(peer.GetCounters()[MediaCounter.DtlsHandshakesFailed], Is.EqualTo(1));

        var dropped = rig.Server.GetCounters()[MediaCounter.DroppedUnknownAddress];
        Assert.That(client.SendRtp(TestMedia.Rtp(1, 1, 100, 1)), Is.False, "the client has no keys");
        for (var i = 0; i < 10; i++)
        {
            Assert.That(client.SendDatagram(TestMedia.Rtp(1, (ushort)i, 100, 1)), Is.True);
        }

        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.DroppedUnknownAddress] == dropped + 10, "the server to drop the refused client's packets");
        Assert.That(rig.Handler.Connected, Is.Empty);
        Assert.That(rig.Handler.RtpFrom(peer), Is.Zero);
        Assert.That(rig.Handler.Disconnected, Is.EquivalentTo(new[] { (peer, PeerCloseReason.DtlsFailed) }));
        Assert.That(rig.Server.PeerCount, Is.Zero);
    }

    [Test]
    public async Task Client_that_finds_another_server_certificate_refuses_and_the_peer_is_closed()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var client = rig.NewClient(_clientIdentity);
        var peer = rig.Server.AddPeer(client.LocalFingerprint, client.LocalIceCredentials.Ufrag);

        var error = Assert.ThrowsAsync<DtlsHandshakeException>(() =>
            client.ConnectAsync(rig.Candidate, peer.LocalIceCredentials.Ufrag, peer.LocalIceCredentials.Password, _otherIdentity.Sha256Fingerprint).WaitAsync(MediaRig.Guard));

        Assert.That(error!.Reason, Is.EqualTo(DtlsHandshakeFailure.FingerprintMismatch));
        Assert.That(await peer.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.DtlsFailed));
        Assert.That(peer.DtlsFailure, Is.EqualTo(DtlsHandshakeFailure.PeerAlert));
        Assert.That(rig.Handler.Connected, Is.Empty);
    }

    [Test]
    public async Task Garbage_from_a_stranger_and_from_a_connected_peer_is_counted_and_dropped_while_A_to_B_flows()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity);
        var (b, peerB) = await rig.ConnectAsync(_clientIdentity, CmOnly);
        var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        b.RtpReceived = packet => received.Enqueue(packet.ToArray());
        var good = Enumerable.Range(1, 40).Select(i => TestMedia.Rtp(0xA1, (ushort)i, 200, (byte)i)).ToList();
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var noise = new XorShift(7);

        var server0 = rig.Server.GetCounters();
        var a0 = peerA.GetCounters();
        var b0 = peerB.GetCounters();

        foreach (var packet in good.Take(20))
        {
            a.SendRtp(packet);
        }

        // From an address that never passed an ICE check.
        byte[][] fromStranger =
        [
            [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, .. new byte[12]],      // STUN without FINGERPRINT
            StunCheck("nobody:x", "0123456789012345678901"),                        // STUN for an unknown ufrag: 401
            [0x01, .. Noise(noise, 30)],                                             // STUN-ish noise
            [22, 0xFE, 0xFD, .. Noise(noise, 40)],                                   // DTLS-ish
            [0x80, 0x60, .. Noise(noise, 40)],                                       // RTP-ish
            [0x80, 200, .. Noise(noise, 40)],                                        // RTCP-ish
            [0x55, .. Noise(noise, 20)],                                             // none of them
            [0x80],                                                                  // truncated
            [],                                                                      // empty
            [0x80, 0x60, .. Noise(noise, 3000)],                                     // oversized
            [0x80, 0x60, .. Noise(noise, 60000)],                                    // far oversized
        ];
        foreach (var datagram in fromStranger)
        {
            stranger.SendTo(datagram, rig.Candidate);
        }

        // From the connected peer A's own address.
        byte[][] fromA =
        [
            [0x80, 0x60, .. Noise(noise, 60)],                                       // forged SRTP x5
            [0x80, 0x60, .. Noise(noise, 60)],
            [0x80, 0x60, .. Noise(noise, 60)],
            [0x80, 0x60, .. Noise(noise, 60)],
            [0x80, 0x60, .. Noise(noise, 60)],
            [0x80, 200, 0, 6, .. Noise(noise, 44)],                                  // forged SRTCP
            [0x80, 0x60, 0, 1, 0, 0, 0, 0],                                          // too short for SRTP
            [23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 24, .. new byte[24]],         // forged DTLS record
            [22, 0xFE, 0xFD, 0, 0],                                                  // cut DTLS header
            [0x55, .. Noise(noise, 20)],                                             // none of them
            [0x80],                                                                  // truncated
            [],                                                                      // empty
            [0x80, 0x60, .. Noise(noise, 2000)],                                     // oversized
            [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, .. new byte[12]],      // STUN without FINGERPRINT
        ];
        foreach (var datagram in fromA)
        {
            Assert.That(a.SendDatagram(datagram), Is.True);
        }

        foreach (var packet in good.Skip(20))
        {
            a.SendRtp(packet);
        }

        var expectedDatagrams = fromStranger.Length + fromA.Length + good.Count;
        await MediaRig.WaitUntilAsync(
            () => rig.Server.GetCounters()[MediaCounter.DatagramsReceived] - server0[MediaCounter.DatagramsReceived] == expectedDatagrams && received.Count == good.Count,
            "every datagram to be handled and B to receive the good ones");

        Assert.That(received, Is.EqualTo(good), "A to B is unaffected");
        Assert.That(rig.Handler.RtpFrom(peerA), Is.EqualTo(good.Count));
        Assert.That(rig.Errors, Is.Empty);

        var server = Delta(server0, rig.Server.GetCounters());
        var peerACounters = Delta(a0, peerA.GetCounters());
        var peerBCounters = Delta(b0, peerB.GetCounters());
        Assert.Multiple(() =>
        {
            Assert.That(peerACounters, Is.EqualTo(new Dictionary<MediaCounter, long>
            {
                [MediaCounter.DatagramsReceived] = fromA.Length + good.Count,
                [MediaCounter.BytesReceived] = fromA.Sum(d => (long)d.Length) + good.Sum(p => (long)p.Length + 16),
                [MediaCounter.RtpReceived] = good.Count,
                [MediaCounter.SrtpAuthenticationFailures] = 6,
                [MediaCounter.SrtpMalformed] = 1,
                [MediaCounter.DtlsReceived] = 2,
                [MediaCounter.DroppedUnknownKind] = 3,
                [MediaCounter.DroppedOversized] = 1,
                [MediaCounter.StunReceived] = 1,
                [MediaCounter.StunDropped] = 1,
            }));
            Assert.That(peerBCounters, Is.EqualTo(new Dictionary<MediaCounter, long>
            {
                [MediaCounter.RtpSent] = good.Count,
                [MediaCounter.BytesSent] = good.Sum(p => (long)p.Length + 10),
            }), "B sees nothing of the garbage");
            Assert.That(server[MediaCounter.DroppedUnknownAddress], Is.EqualTo(6));
            Assert.That(server[MediaCounter.DroppedOversized], Is.EqualTo(3));
            Assert.That(server[MediaCounter.StunReceived], Is.EqualTo(4));
            Assert.That(server[MediaCounter.StunDropped], Is.EqualTo(3));
            Assert.That(server[MediaCounter.StunErrorResponses], Is.EqualTo(1));
            Assert.That(server[MediaCounter.SrtpAuthenticationFailures], Is.EqualTo(6));
            Assert.That(server[MediaCounter.RtpSent], Is.EqualTo(good.Count));
            Assert.That(server.GetValueOrDefault(MediaCounter.UnexpectedErrors), Is.Zero);
        });
        Assert.That(peerA.State, Is.EqualTo(MediaPeerState.Connected));
        Assert.That(peerB.State, Is.EqualTo(MediaPeerState.Connected));

        // The stranger got the 401 for its well-formed check, and nothing else.
        var answer = new byte[1500];
        stranger.ReceiveTimeout = 2000;
        var length = stranger.Receive(answer);
        Assert.That(StunMessage.Parse(answer.AsSpan(0, length), out var response), Is.EqualTo(StunParseResult.Ok));
        Assert.That(response.TryGetErrorCode(out var code, out _) && code == 401, Is.True);
        Assert.That(stranger.Available, Is.Zero);
    }

    [Test]
    public async Task Silent_peer_loses_consent_and_is_disconnected_while_a_checking_peer_stays()
    {
        var clock = new ManualClock();
        using var rig = new MediaRig(_serverIdentity, clock, batchedIo: batchedIo);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity);
        var (b, peerB) = await rig.ConnectAsync(_clientIdentity);

        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.That(await a.CheckConsentAsync(), Is.True);
        clock.Advance(TimeSpan.FromSeconds(11));

        Assert.That(await peerB.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.ConsentExpired));
        Assert.That(peerA.State, Is.EqualTo(MediaPeerState.Connected));
        Assert.That(rig.Handler.Disconnected, Is.EquivalentTo(new[] { (peerB, PeerCloseReason.ConsentExpired) }));
        Assert.That(rig.Server.GetCounters()[MediaCounter.ConsentExpirations], Is.EqualTo(1));
        Assert.That(await b.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(DtlsSessionEnd.ClosedByPeer), "the server said goodbye with close_notify");

        // Consent is per peer: the one that checked lives on until its own 30 s run out.
        clock.Advance(TimeSpan.FromSeconds(15));
        await Task.Delay(100);
        Assert.That(peerA.State, Is.EqualTo(MediaPeerState.Connected));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.That(await peerA.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.ConsentExpired));
    }

    [Test]
    public async Task Removed_peer_gets_no_more_media_and_what_it_sends_is_dropped()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity);
        var (b, peerB) = await rig.ConnectAsync(_clientIdentity);
        for (var i = 1; i <= 10; i++)
        {
            a.SendRtp(TestMedia.Rtp(0xA1, (ushort)i, 100, 1));
        }

        await MediaRig.WaitUntilAsync(() => b.RtpPacketsReceived == 10, "B to receive the first ten");

        rig.Server.RemovePeer(peerB);

        Assert.That(await peerB.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.Removed));
        Assert.That(await b.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(DtlsSessionEnd.ClosedByPeer));
        var dropped = rig.Server.GetCounters()[MediaCounter.DroppedUnknownAddress];
        for (var i = 11; i <= 20; i++)
        {
            a.SendRtp(TestMedia.Rtp(0xA1, (ushort)i, 100, 1));
            b.SendRtp(TestMedia.Rtp(0xB2, (ushort)i, 100, 1));
        }

        await MediaRig.WaitUntilAsync(
            () => peerA.GetCounters()[MediaCounter.RtpReceived] == 20 && rig.Server.GetCounters()[MediaCounter.DroppedUnknownAddress] == dropped + 10,
            "the server to take A's packets and drop B's");
        Assert.That(b.RtpPacketsReceived, Is.EqualTo(10));
        Assert.That(rig.Handler.RtpFrom(peerB), Is.Zero);
        Assert.That(peerB.GetCounters()[MediaCounter.RtpSent], Is.EqualTo(10));
        Assert.That(rig.Server.PeerCount, Is.EqualTo(1));
        Assert.That(await b.CheckConsentAsync(), Is.False, "its ICE credentials are gone");
        Assert.That(b.LastStunErrorCode, Is.EqualTo(401));
    }

    [Test]
    public async Task ICE_restart_gives_new_credentials_while_media_and_consent_go_on()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity);
        var (b, peerB) = await rig.ConnectAsync(_clientIdentity);
        var old = peerA.LocalIceCredentials;

        var fresh = peerA.RestartIce(a.LocalIceCredentials.Ufrag);
        a.SendRtp(TestMedia.Rtp(0xA1, 1, 100, 1));

        Assert.That(fresh.Ufrag, Is.Not.EqualTo(old.Ufrag));
        Assert.That(peerA.LocalIceCredentials, Is.SameAs(fresh));
        Assert.That(await a.CheckConsentAsync(), Is.True, "the old credentials hold until the peer uses the new ones");
        await MediaRig.WaitUntilAsync(() => b.RtpPacketsReceived == 1, "media on the kept pair");

        rig.Server.RemovePeer(peerB);
        await peerB.Closed.WaitAsync(MediaRig.Guard);
        Assert.That(() => peerB.RestartIce(null), Throws.InvalidOperationException);
        using var other = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        Assert.That(() => other.Server.RemovePeer(peerA), Throws.ArgumentException);
    }

    [Test]
    public async Task Peer_that_sends_close_notify_is_disconnected_as_closed_by_peer()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity);

        a.Dispose();

        Assert.That(await peerA.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.ClosedByPeer));
    }

    [Test]
    public async Task Disposing_the_server_disconnects_every_peer()
    {
        var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (_, peerA) = await rig.ConnectAsync(_clientIdentity);
        var waiting = rig.Server.AddPeer(_clientIdentity.Sha256Fingerprint, null);

        rig.Dispose();

        Assert.That(await peerA.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.ServerStopped));
        Assert.That(await waiting.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.ServerStopped));
        Assert.That(rig.Handler.Disconnected.Select(d => d.Reason), Is.EqualTo(new[] { PeerCloseReason.ServerStopped, PeerCloseReason.ServerStopped }));
        Assert.That(rig.Server.PeerCount, Is.Zero);
        Assert.That(() => rig.Server.AddPeer(_clientIdentity.Sha256Fingerprint, null), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public async Task Handler_that_throws_costs_one_packet_and_the_loop_goes_on()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (a, _) = await rig.ConnectAsync(_clientIdentity);
        var (b, _) = await rig.ConnectAsync(_clientIdentity);
        rig.Handler.ThrowOnPayloadByte = 0xEE;

        a.SendRtp(TestMedia.Rtp(0xA1, 1, 100, 0xEE));
        a.SendRtp(TestMedia.Rtp(0xA1, 2, 100, 0x01));

        await MediaRig.WaitUntilAsync(() => b.RtpPacketsReceived == 1, "the packet after the failing one to arrive");
        Assert.That(rig.Server.GetCounters()[MediaCounter.UnexpectedErrors], Is.EqualTo(1));
        Assert.That(rig.Errors.Single(), Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public async Task SendRtp_off_the_receive_thread_is_refused()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var (_, peer) = await rig.ConnectAsync(_clientIdentity);

        Assert.That(() => peer.SendRtp(TestMedia.Rtp(1, 1, 10, 1)), Throws.InvalidOperationException);
        Assert.That(() => peer.SendRtcp(TestMedia.RtcpReceiverReportAndPli(1, 2)), Throws.InvalidOperationException);
    }

    [Test]
    public async Task Handler_ticks_while_no_packet_arrives()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);
        var before = rig.Handler.Ticks;

        await Task.Delay(300);

        // 20 ms ticks: about 15 in 300 ms; a loaded machine may manage fewer, but not none.
        Assert.That(rig.Handler.Ticks - before, Is.InRange(4, 20));
    }

    [Test]
    public void Candidates_are_the_bound_address_or_the_advertised_ones()
    {
        using (var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo))
        {
            var candidate = rig.Server.LocalCandidates.Single();
            Assert.That(candidate.ToString(), Is.EqualTo($"1 1 udp 2130706431 127.0.0.1 {rig.Server.LocalEndPoint.Port} typ host"));
        }

        using (var wildcard = new MediaServer(new MediaServerOptions { Port = 0 }, _serverIdentity, new ForwardingHandler()))
        {
            Assert.That(wildcard.LocalCandidates, Is.Empty, "0.0.0.0 must be told what to advertise");
        }

        var advertised = new[] { IPAddress.Parse("192.0.2.10"), IPAddress.Parse("198.51.100.20") };
        using var configured = new MediaServer(new MediaServerOptions { Port = 0, AdvertisedAddresses = advertised }, _serverIdentity, new ForwardingHandler());
        Assert.That(configured.LocalCandidates.Select(c => c.Address), Is.EqualTo(advertised));
        Assert.That(configured.LocalCandidates[0].Priority, Is.GreaterThan(configured.LocalCandidates[1].Priority));
        Assert.That(configured.LocalCandidates.Select(c => c.Foundation), Is.Unique);
    }

    [Test]
    public void AddPeer_refuses_a_malformed_fingerprint_or_ufrag()
    {
        using var rig = new MediaRig(_serverIdentity, batchedIo: batchedIo);

        Assert.That(() => rig.Server.AddPeer("sha-256 " + _clientIdentity.Sha256Fingerprint, null), Throws.ArgumentException);
        Assert.That(() => rig.Server.AddPeer(_clientIdentity.Sha256Fingerprint.Replace(':', '-'), null), Throws.ArgumentException);
        Assert.That(() => rig.Server.AddPeer(_clientIdentity.Sha256Fingerprint, "no spaces"), Throws.ArgumentException);
        Assert.That(rig.Server.PeerCount, Is.Zero);
    }

    [Test]
    public async Task Dual_stack_server_takes_an_IPv4_client()
    {
        if (!Socket.OSSupportsIPv6)
        {
            Assert.Ignore("No IPv6 here.");
        }

        using var rig = new MediaRig(
            _serverIdentity,
            configure: options => options with
            {
                BindAddress = IPAddress.IPv6Any,
                DualStack = true,
                AdvertisedAddresses = [IPAddress.Loopback],
            },
            batchedIo: batchedIo);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity);
        var (b, _) = await rig.ConnectAsync(_clientIdentity);

        a.SendRtp(TestMedia.Rtp(0xA1, 1, 100, 1));

        await MediaRig.WaitUntilAsync(() => b.RtpPacketsReceived == 1, "B to receive through the dual-stack socket");
        Assert.That(peerA.TryGetRemoteAddress(out var remote) && remote.IsIPv4OrMapped, Is.True);
    }

    private static byte[] Noise(XorShift noise, int length)
    {
        var bytes = new byte[length];
        noise.Fill(bytes);
        return bytes;
    }

    private static byte[] StunCheck(string username, string password)
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer);
        var written = writer.TryBegin(StunMessageType.BindingRequest, new byte[12])
            && writer.TryAddAttribute(StunAttributeType.Username, System.Text.Encoding.ASCII.GetBytes(username))
            && writer.TryAddMessageIntegrity(System.Text.Encoding.ASCII.GetBytes(password))
            && writer.TryAddFingerprint();
        Assert.That(written, Is.True);
        return buffer[..writer.Length];
    }

    private static Dictionary<MediaCounter, long> Delta(MediaCounterSnapshot before, MediaCounterSnapshot after)
    {
        var delta = new Dictionary<MediaCounter, long>();
        foreach (var counter in MediaCounterSnapshot.All)
        {
            var change = after[counter] - before[counter];
            if (change != 0)
            {
                delta[counter] = change;
            }
        }

        return delta;
    }
}
