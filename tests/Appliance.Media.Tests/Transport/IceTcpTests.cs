using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Appliance.Crypto.Dtls;
using Appliance.Media.Stun;
using Appliance.Media.Transport;

namespace Appliance.Media.Tests.Transport;

/// <summary>
/// ICE-TCP (RFC 6544 passive candidates, RFC 4571 framing) end to end on 127.0.0.1: the client endpoint over TCP
/// through ICE, DTLS and SRTP, forwarding between a TCP and a UDP peer, and what the server does with connections
/// that do not earn their place; with batched UDP I/O and without.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
[Parallelizable(ParallelScope.All)]
public class IceTcpTests(bool batchedIo)
{
    private DtlsIdentity _serverIdentity = null!;
    private DtlsIdentity _clientIdentity = null!;

    [OneTimeSetUp]
    public void CreateIdentities()
    {
        _serverIdentity = DtlsIdentity.Create(TimeProvider.System);
        _clientIdentity = DtlsIdentity.Create(TimeProvider.System);
    }

    [OneTimeTearDown]
    public void DisposeIdentities()
    {
        _serverIdentity.Dispose();
        _clientIdentity.Dispose();
    }

    [Test]
    public void Candidates_offer_TCP_passive_on_each_address_below_UDP()
    {
        var advertised = new[] { IPAddress.Loopback, IPAddress.Parse("192.0.2.7") };
        using var rig = NewRig(o => o with { BindAddress = IPAddress.Any, AdvertisedAddresses = advertised });

        var udp = rig.Server.LocalCandidates.Where(c => c.Protocol == CandidateProtocol.Udp).ToList();
        var tcp = rig.Server.LocalCandidates.Where(c => c.Protocol == CandidateProtocol.Tcp).ToList();

        Assert.That(tcp.Select(c => c.Address), Is.EqualTo(advertised));
        Assert.That(tcp.Select(c => c.Port), Is.All.EqualTo(rig.Server.TcpEndPoint!.Port));
        Assert.That(rig.Server.LocalCandidates.Select(c => c.Foundation), Is.Unique, "another protocol, another foundation");
        Assert.That(tcp.Max(c => c.Priority), Is.LessThan(udp.Min(c => c.Priority)), "UDP wins when both work");
        Assert.That(tcp[0].Priority, Is.GreaterThan(tcp[1].Priority));

        // RFC 6544 §4.2: type preference 126, local preference 2^13 × 4 (passive) + 8191, component 1.
        Assert.That(tcp[0].Priority, Is.EqualTo((126u << 24) + (((4u << 13) + 8191u) << 8) + 255u));
        Assert.That(tcp[0].ToString(), Is.EqualTo($"{tcp[0].Foundation} 1 tcp {tcp[0].Priority} 127.0.0.1 {tcp[0].Port} typ host tcptype passive"));
    }

    [Test]
    public void Without_UDP_offered_only_TCP_candidates_remain_and_without_a_TCP_port_none_are_TCP()
    {
        using var tcpOnly = NewRig(o => o with { OfferUdp = false });
        using var udpOnly = new MediaRig(_serverIdentity, batchedIo: batchedIo);

        Assert.That(tcpOnly.Server.LocalCandidates.Select(c => c.Protocol), Is.EqualTo(new[] { CandidateProtocol.Tcp }));
        Assert.That(udpOnly.Server.LocalCandidates.Select(c => c.Protocol), Is.EqualTo(new[] { CandidateProtocol.Udp }));
        Assert.That(udpOnly.Server.TcpEndPoint, Is.Null);
        Assert.Throws<ArgumentException>(() => new MediaServerOptions { OfferUdp = false }.Validate());
    }

    [Test]
    public async Task A_TCP_peer_and_a_UDP_peer_exchange_media_through_the_server_both_ways()
    {
        using var rig = NewRig();
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity, tcp: true);
        var (b, peerB) = await rig.ConnectAsync(_clientIdentity);
        var atB = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        var atA = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        b.RtpReceived = packet => atB.Enqueue(packet.ToArray());
        a.RtpReceived = packet => atA.Enqueue(packet.ToArray());
        var fromA = Enumerable.Range(1, 200).Select(i => TestMedia.Rtp(0xA1, (ushort)i, 20 + (i * 5), (byte)i)).ToList();
        var fromB = Enumerable.Range(1, 200).Select(i => TestMedia.Rtp(0xB1, (ushort)i, 1100 - (i * 3), (byte)i)).ToList();

        foreach (var packet in fromA)
        {
            Assert.That(a.SendRtp(packet), Is.True);
        }

        foreach (var packet in fromB)
        {
            Assert.That(b.SendRtp(packet), Is.True);
        }

        Assert.That(b.SendRtcp(TestMedia.RtcpReceiverReportAndPli(0xB1, 0xA1)), Is.True);
        await MediaRig.WaitUntilAsync(() => atB.Count == fromA.Count && atA.Count == fromB.Count, "both sides to receive every packet");
        await MediaRig.WaitUntilAsync(() => a.RtcpPacketsReceived == 1, "the TCP peer to receive the RTCP");

        Assert.That(atB, Is.EqualTo(fromA), "TCP to UDP: every packet, in order");
        Assert.That(atA, Is.EqualTo(fromB), "UDP to TCP: every packet, in order (TCP keeps the order)");
        Assert.That(peerA.TryGetRemoteAddress(out var remote) && remote == TransportAddress.FromEndPoint(a.LocalEndPoint), Is.True);
        var counters = peerA.GetCounters();
        Assert.That(counters[MediaCounter.TcpConnectionsAuthenticated], Is.EqualTo(1));
        Assert.That(counters[MediaCounter.DtlsHandshakesSucceeded], Is.EqualTo(1));
        Assert.That(counters[MediaCounter.RtpReceived], Is.EqualTo(fromA.Count));
        Assert.That(counters[MediaCounter.RtpSent], Is.EqualTo(fromB.Count));
        Assert.That(counters[MediaCounter.TcpSendDropped], Is.Zero);
        Assert.That(peerB.GetCounters()[MediaCounter.TcpConnectionsAuthenticated], Is.Zero);
        Assert.That(a.SrtpFailures + b.SrtpFailures, Is.Zero);
        Assert.That(await a.CheckConsentAsync(), Is.True, "consent checks over TCP are answered");
        Assert.That(rig.Errors, Is.Empty);
    }

    [Test]
    public async Task A_closed_TCP_path_stops_the_peers_media_and_consent_then_closes_the_peer()
    {
        var clock = new ManualClock();
        using var rig = NewRig(time: clock);
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity, tcp: true);
        var (b, _) = await rig.ConnectAsync(_clientIdentity);

        a.AbortTcpConnection();
        ushort sequence = 0;
        await MediaRig.WaitUntilAsync(() => b.SendRtp(TestMedia.Rtp(0xB1, ++sequence, 50, 1)) && peerA.GetCounters()[MediaCounter.SendNotReady] > 0, "the server to notice the connection closed");
        Assert.That(peerA.State, Is.EqualTo(MediaPeerState.Connected), "a path that died is not yet a peer that left");

        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.That(await peerA.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.ConsentExpired));
    }

    [Test]
    public async Task Garbage_as_first_frame_closes_the_connection_and_the_server_carries_on()
    {
        using var rig = NewRig();
        var (udp, udpPeer) = await rig.ConnectAsync(_clientIdentity);
        using var raw = await ConnectRawAsync(rig);

        await raw.SendAsync(Frame([0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xEE]));

        await AssertClosedAsync(raw);
        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpConnectionsRejected] == 1, "the rejection to be counted");
        Assert.That(await udp.CheckConsentAsync(), Is.True, "the UDP peer is still served");
        Assert.That(udpPeer.State, Is.EqualTo(MediaPeerState.Connected));
        var (_, tcpPeer) = await rig.ConnectAsync(_clientIdentity, tcp: true);
        Assert.That(tcpPeer.State, Is.EqualTo(MediaPeerState.Connected), "and a good TCP client after it");
        Assert.That(rig.Rejections.Select(r => r.Reason), Is.EqualTo(new[] { TcpRejectionReason.NotAValidCheck }));
    }

    [TestCase(false, TestName = "A check with the wrong password closes the connection")]
    [TestCase(true, TestName = "A check for an unknown ufrag closes the connection")]
    public async Task Invalid_check_as_first_frame_closes_the_connection(bool unknownUfrag)
    {
        using var rig = NewRig();
        var client = rig.NewClient(_clientIdentity);
        var peer = rig.Server.AddPeer(client.LocalFingerprint, client.LocalIceCredentials.Ufrag);
        using var raw = await ConnectRawAsync(rig);
        var ufrag = unknownUfrag ? "nobody" : peer.LocalIceCredentials.Ufrag;
        var password = unknownUfrag ? peer.LocalIceCredentials.Password : "not-the-password-at-all";

        await raw.SendAsync(Frame(Check(ufrag + ":" + client.LocalIceCredentials.Ufrag, password)));

        await AssertClosedAsync(raw);
        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpConnectionsRejected] == 1, "the rejection to be counted");
        Assert.That(peer.GetCounters()[MediaCounter.TcpConnectionsAuthenticated], Is.Zero);
        Assert.That(peer.TryGetRemoteAddress(out _), Is.False, "nothing was learnt from it");
    }

    [TestCase(0)]
    [TestCase(1501)]
    public async Task A_frame_length_of_zero_or_above_the_maximum_closes_the_connection(int length)
    {
        using var rig = NewRig();
        using var raw = await ConnectRawAsync(rig);

        await raw.SendAsync(new byte[] { (byte)(length >> 8), (byte)length, 0, 1, 0, 0 });

        await AssertClosedAsync(raw);
        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpFramingErrors] == 1, "the framing error to be counted");
        Assert.That(rig.Rejections.Select(r => r.Reason), Is.EqualTo(new[] { TcpRejectionReason.FramingError }));
        Assert.That(rig.Rejections.Single().Remote, Is.EqualTo(raw.LocalEndPoint));
    }

    [Test]
    public async Task A_connection_that_sends_nothing_valid_in_time_is_closed()
    {
        using var rig = NewRig(o => o with { TcpAuthenticationTimeout = TimeSpan.FromMilliseconds(200) });
        using var raw = await ConnectRawAsync(rig);

        // Half a frame: not enough to judge, so only the clock ends it.
        await raw.SendAsync(new byte[] { 0, 20, 0, 1 });

        await AssertClosedAsync(raw);
        Assert.That(rig.Server.GetCounters()[MediaCounter.TcpAuthenticationTimeouts], Is.EqualTo(1));
    }

    [Test]
    public async Task Connections_beyond_the_pending_limit_are_refused_and_those_within_it_stay()
    {
        using var rig = NewRig(o => o with { MaxPendingTcpConnections = 2 });
        using var first = await ConnectRawAsync(rig);
        using var second = await ConnectRawAsync(rig);
        using var third = await ConnectRawAsync(rig);

        await AssertClosedAsync(third);
        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpConnectionsRefused] == 1, "the refusal to be counted");
        Assert.That(rig.Server.GetCounters()[MediaCounter.TcpConnectionsAccepted], Is.EqualTo(2));
        Assert.That(first.Poll(100_000, SelectMode.SelectRead), Is.False, "the first two wait for their first frame");
        Assert.That(rig.Rejections.Select(r => r.Reason), Is.EqualTo(new[] { TcpRejectionReason.TooManyPending }));
    }

    [Test]
    public async Task A_connection_beyond_the_limit_per_peer_is_refused_and_the_peer_keeps_its_path()
    {
        using var rig = NewRig(o => o with { MaxTcpConnectionsPerPeer = 1 });
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity, tcp: true);
        using var raw = await ConnectRawAsync(rig);

        await raw.SendAsync(Frame(Check(peerA.LocalIceCredentials.Ufrag + ":" + a.LocalIceCredentials.Ufrag, peerA.LocalIceCredentials.Password, useCandidate: true)));

        await AssertClosedAsync(raw);
        await MediaRig.WaitUntilAsync(() => peerA.GetCounters()[MediaCounter.TcpConnectionsRefused] == 1, "the refusal to be counted");
        Assert.That(await a.CheckConsentAsync(), Is.True);
        Assert.That(peerA.TryGetRemoteAddress(out var remote) && remote == TransportAddress.FromEndPoint(a.LocalEndPoint), Is.True, "the refused connection selected nothing");
    }

    [Test]
    public async Task A_check_for_another_peer_over_a_peers_connection_is_dropped_and_moves_nothing()
    {
        using var rig = NewRig();
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity, tcp: true);
        var (b, peerB) = await rig.ConnectAsync(_clientIdentity);
        var dropped = peerA.GetCounters()[MediaCounter.StunDropped];

        // B's credentials, nominating, over A's authenticated connection.
        Assert.That(a.SendDatagram(Check(peerB.LocalIceCredentials.Ufrag + ":" + b.LocalIceCredentials.Ufrag, peerB.LocalIceCredentials.Password, useCandidate: true)), Is.True);

        await MediaRig.WaitUntilAsync(() => peerA.GetCounters()[MediaCounter.StunDropped] == dropped + 1, "the check to be dropped");
        Assert.That(peerB.TryGetRemoteAddress(out var remote) && remote == TransportAddress.FromEndPoint(b.LocalEndPoint), Is.True, "B's pair stays");
        Assert.That(await a.CheckConsentAsync(), Is.True, "A's connection stays");
    }

    [Test]
    public async Task One_source_cannot_take_every_pending_slot_and_its_refusals_are_counted_and_reported_once()
    {
        using var rig = NewRig(o => o with { MaxPendingTcpConnections = 4, MaxPendingTcpConnectionsPerSource = 2, TcpAuthenticationTimeout = TimeSpan.FromSeconds(1) });
        using var first = await ConnectRawAsync(rig);
        using var second = await ConnectRawAsync(rig);
        using var third = await ConnectRawAsync(rig);
        await AssertClosedAsync(third);
        using var fourth = await ConnectRawAsync(rig);
        await AssertClosedAsync(fourth);

        // Another address still gets in, although the global limit would have room for the first address's others.
        using var other = await ConnectRawAsync(rig, IPAddress.Parse("127.0.0.2"));
        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpConnectionsAccepted] == 3, "the other source to be accepted");
        Assert.That(other.Poll(100_000, SelectMode.SelectRead), Is.False, "the other source's connection waits for its first frame");
        var counters = rig.Server.GetCounters();
        Assert.That(counters[MediaCounter.TcpConnectionsRefusedFromSource], Is.EqualTo(2));
        Assert.That(counters[MediaCounter.TcpConnectionsRefused], Is.EqualTo(2));
        Assert.That(rig.Rejections.Select(r => r.Reason), Is.EqualTo(new[] { TcpRejectionReason.TooManyPendingFromSource }), "reported once while at the limit");
        Assert.That(rig.Rejections.Single().Remote.Address, Is.EqualTo(IPAddress.Loopback));

        // Their time runs out, the source's slots are free again.
        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpAuthenticationTimeouts] == 3, "the pending connections to time out");
        using var again = await ConnectRawAsync(rig);
        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpConnectionsAccepted] == 4, "the first source to be accepted again");
    }

    [Test]
    public async Task Closed_connections_beyond_50_per_10_seconds_are_counted_but_not_reported()
    {
        var clock = new ManualClock();
        using var rig = NewRig(time: clock);
        for (var i = 0; i < 55; i++)
        {
            using var raw = await ConnectRawAsync(rig);
            await raw.SendAsync(Frame([0xEE]));
            await AssertClosedAsync(raw);
        }

        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpConnectionsRejected] == 55, "every rejection to be counted");
        Assert.That(rig.Rejections, Has.Count.EqualTo(50));
        Assert.That(rig.Server.GetCounters()[MediaCounter.TcpRejectionsUnreported], Is.EqualTo(5));

        clock.Advance(TimeSpan.FromSeconds(10));
        using var later = await ConnectRawAsync(rig);
        await later.SendAsync(Frame([0xEE]));
        await AssertClosedAsync(later);
        await MediaRig.WaitUntilAsync(() => rig.Rejections.Count == 51, "the next window to report again");
    }

    [Test]
    public void A_source_is_an_IPv4_address_also_when_mapped_and_an_IPv6_64()
    {
        Assert.That(TcpConnection.SourceOf(IPAddress.Parse("::ffff:192.0.2.7")), Is.EqualTo(IPAddress.Parse("192.0.2.7")));
        Assert.That(TcpConnection.SourceOf(IPAddress.Parse("192.0.2.7")), Is.EqualTo(IPAddress.Parse("192.0.2.7")));
        Assert.That(TcpConnection.SourceOf(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")), Is.EqualTo(IPAddress.Parse("2001:db8:1:2::")));
    }

    [Test]
    public async Task A_connection_sending_one_byte_at_a_time_is_closed_at_the_authentication_timeout()
    {
        var timeout = TimeSpan.FromMilliseconds(500);
        using var rig = NewRig(o => o with { TcpAuthenticationTimeout = timeout });
        using var raw = await ConnectRawAsync(rig);
        var started = TimeProvider.System.GetTimestamp();
        await raw.SendAsync(new byte[] { 0x05, 0xDC });

        // A byte every 50 ms keeps the connection busy but never completes the 1500-byte frame in time.
        var sent = 0;
        while (!raw.Poll(50_000, SelectMode.SelectRead) && sent < 200)
        {
            try
            {
                await raw.SendAsync(new byte[] { 0 });
                sent++;
            }
            catch (SocketException)
            {
                break;
            }
        }

        await AssertClosedAsync(raw);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        Assert.That(sent, Is.LessThan(200), "closed while it still trickled");
        // The bound leaves room for a loaded machine; what it tells apart is a timeout counted from the accept (0.5 s)
        // from one restarted by every byte (never, while the trickle goes on for 10 s).
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(timeout).And.LessThan(timeout * 12));
        await MediaRig.WaitUntilAsync(() => !rig.Rejections.IsEmpty, "the close to be reported");
        Assert.That(rig.Server.GetCounters()[MediaCounter.TcpAuthenticationTimeouts], Is.EqualTo(1));
        Assert.That(rig.Rejections.Select(r => r.Reason), Is.EqualTo(new[] { TcpRejectionReason.AuthenticationTimeout }));
    }

    [Test]
    public void A_pending_connection_holds_no_send_buffer_and_a_closed_one_gives_its_back()
    {
        using var rig = NewRig();
        var client = rig.NewClient(_clientIdentity);
        var peer = rig.Server.AddPeer(client.LocalFingerprint, client.LocalIceCredentials.Ufrag);
        using var sockets = new SocketsToDispose();
        var pending = sockets.NewConnection();
        var closedFirst = sockets.NewConnection();

        Assert.That(pending.SendBufferLength, Is.Zero, "nothing of the 128 KiB before the first frame is judged");
        Assert.That(pending.TryQueue([1, 2, 3]), Is.False, "and nothing to send into");
        pending.Authenticate(peer);
        Assert.That(pending.SendBufferLength, Is.GreaterThanOrEqualTo(128 * 1024));
        Assert.That(pending.TryQueue([1, 2, 3]), Is.True);
        pending.Close();
        Assert.That(pending.SendBufferLength, Is.Zero, "given back on close");

        closedFirst.Close();
        closedFirst.Authenticate(peer);
        Assert.That(closedFirst.SendBufferLength, Is.Zero, "a connection closed before its verdict rents nothing");
        Assert.That(closedFirst.IsAuthenticated, Is.False);
    }

    [Test]
    public async Task A_peer_flooding_tiny_frames_has_at_most_a_bounded_number_waiting_for_a_busy_receive_thread()
    {
        using var hold = new ReceiveThreadHold();
        using var rig = NewRig(hold.Configure);
        var client = rig.NewClient(_clientIdentity);
        var peer = rig.Server.AddPeer(client.LocalFingerprint, client.LocalIceCredentials.Ufrag);
        using var raw = await ConnectRawAsync(rig);
        await raw.SendAsync(Frame(Check(peer.LocalIceCredentials.Ufrag + ":" + client.LocalIceCredentials.Ufrag, peer.LocalIceCredentials.Password)));
        Assert.That(await raw.ReceiveAsync(new byte[512].AsMemory()).AsTask().WaitAsync(MediaRig.Guard), Is.GreaterThan(0), "the check is answered");
        using var garbage = await hold.HoldAsync(rig);

        const int frames = 20_000;
        var flood = new byte[frames * 3];
        for (var i = 0; i < frames; i++)
        {
            flood[(i * 3) + 1] = 1;
            flood[(i * 3) + 2] = 0xFF;
        }

        var sending = raw.SendAsync(flood);
        await Task.Delay(500);
        var queued = rig.Server.QueuedTcpEvents;
        hold.Release();
        await sending.WaitAsync(MediaRig.Guard);

        Assert.That(queued, Is.LessThanOrEqualTo(TcpConnection.MaxFramesInFlight + 1), "the reader stops reading, TCP holds the rest back");
        await MediaRig.WaitUntilAsync(() => peer.GetCounters()[MediaCounter.DatagramsReceived] == frames, "every frame to be handled once the receive thread is free");
        Assert.That(rig.Server.QueuedTcpEvents, Is.Zero);
        Assert.That(rig.Errors, Is.Empty);
    }

    [Test]
    public async Task An_unauthenticated_connection_is_not_read_past_its_first_frame_before_it_is_judged()
    {
        using var hold = new ReceiveThreadHold();
        using var rig = NewRig(hold.Configure);
        using var raw = await ConnectRawAsync(rig);
        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpConnectionsAccepted] == 1, "its reader to start");
        using var garbage = await hold.HoldAsync(rig);

        // A hundred frames at once: the receive thread, busy, has judged none of them.
        await raw.SendAsync(Enumerable.Range(0, 100).SelectMany(_ => Frame([0xEE])).ToArray());
        await MediaRig.WaitUntilAsync(() => rig.Server.QueuedTcpEvents >= 1, "the first frame to be queued");
        // Time for the reader to go on, were it to read past the first frame.
        await Task.Delay(300);
        var queued = rig.Server.QueuedTcpEvents;
        hold.Release();

        Assert.That(queued, Is.EqualTo(1), "its first frame");
        await AssertClosedAsync(raw);
        await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpConnectionsRejected] == 2, "the first frame to close it");
        Assert.That(rig.Server.GetCounters()[MediaCounter.DatagramsReceived], Is.EqualTo(2), "one frame of each connection was handled, no more");
    }

    [Test]
    public async Task Connections_accepted_while_the_server_stops_are_all_closed()
    {
        var rig = NewRig();
        var endPoint = rig.TcpCandidate;
        var sockets = new List<Socket>();
        try
        {
            var connecting = Task.Run(async () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    lock (sockets)
                    {
                        sockets.Add(socket);
                    }

                    try
                    {
                        await socket.ConnectAsync(endPoint);
                    }
                    catch (SocketException)
                    {
                        // The listener closed first.
                        return;
                    }
                }
            });
            await MediaRig.WaitUntilAsync(() => rig.Server.GetCounters()[MediaCounter.TcpConnectionsAccepted] >= 5, "connections to arrive");
            rig.Dispose();
            await connecting.WaitAsync(MediaRig.Guard);

            foreach (var socket in sockets.Where(s => s.Connected))
            {
                await AssertClosedAsync(socket);
            }
        }
        finally
        {
            rig.Dispose();
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Test]
    public void What_a_reader_posts_after_the_server_stopped_is_closed_and_its_frame_given_back()
    {
        var rig = NewRig();
        rig.Dispose();
        using var sockets = new SocketsToDispose();
        var connection = sockets.NewConnection();
        var frame = System.Buffers.ArrayPool<byte>.Shared.Rent(16);

        rig.Server.PostTcpFrame(connection, frame, 16);

        Assert.That(connection.IsClosed, Is.True, "nobody would ever close it otherwise");
        Assert.That(rig.Server.QueuedTcpEvents, Is.Zero, "nor return its frame");
    }

    [Test]
    public async Task A_UDP_pair_nominated_after_the_TCP_pair_takes_the_media_and_the_connection_stays_within_the_limit()
    {
        using var rig = NewRig();
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity, tcp: true);
        var (b, _) = await rig.ConnectAsync(_clientIdentity);
        var atA = 0;
        a.RtpReceived = _ => Interlocked.Increment(ref atA);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        await udp.SendToAsync(Check(peerA.LocalIceCredentials.Ufrag + ":" + a.LocalIceCredentials.Ufrag, peerA.LocalIceCredentials.Password, useCandidate: true), rig.Candidate);
        var response = new byte[512];
        Assert.That(await udp.ReceiveAsync(response.AsMemory()).AsTask().WaitAsync(MediaRig.Guard), Is.GreaterThan(0), "the UDP check is answered");
        Assert.That(peerA.TryGetRemoteAddress(out var remote) && remote == TransportAddress.FromEndPoint((IPEndPoint)udp.LocalEndPoint!), Is.True, "ICE selected the UDP pair");

        var rtpSent = peerA.GetCounters()[MediaCounter.RtpSent];
        Assert.That(b.SendRtp(TestMedia.Rtp(0xB1, 1, 50, 1)), Is.True);
        var length = await udp.ReceiveAsync(response.AsMemory()).AsTask().WaitAsync(MediaRig.Guard);
        Assert.That(length, Is.GreaterThan(12), "the media goes to the UDP address");
        // With batched I/O a packet is counted once its batch has gone, which can be after it has arrived.
        await MediaRig.WaitUntilAsync(() => peerA.GetCounters()[MediaCounter.RtpSent] >= rtpSent + 1, "the sent packet to be counted");
        Assert.That(peerA.GetCounters()[MediaCounter.RtpSent], Is.EqualTo(rtpSent + 1));
        Assert.That(atA, Is.Zero, "and no longer over the TCP connection");
        Assert.That(peerA.GetCounters()[MediaCounter.TcpConnectionsAuthenticated], Is.EqualTo(1));
        Assert.That(await a.CheckConsentAsync(), Is.True, "the connection, no longer the send path, is kept (one of MaxTcpConnectionsPerPeer) and still answered");
    }

    [Test]
    public async Task A_peer_removed_by_signalling_closes_its_TCP_connection()
    {
        using var rig = NewRig();
        var (a, peerA) = await rig.ConnectAsync(_clientIdentity, tcp: true);
        var connection = peerA.TcpPath!;
        Assert.That(connection.SendBufferLength, Is.GreaterThan(0));

        rig.Server.RemovePeer(peerA);

        Assert.That(await peerA.Closed.WaitAsync(MediaRig.Guard), Is.EqualTo(PeerCloseReason.Removed));
        Assert.That(connection.IsClosed, Is.True);
        Assert.That(connection.SendBufferLength, Is.Zero, "its send buffer went back to the pool");
        Assert.That(await a.CheckConsentAsync(), Is.False, "nothing answers over it any more");
    }

    /// <summary>Sockets of connections made outside the server, for tests of <see cref="TcpConnection"/> itself.</summary>
    private sealed class SocketsToDispose : IDisposable
    {
        private readonly List<Socket> _sockets = [];

        /// <summary>A connection over 127.0.0.1 as the server would hold it; not started, so nothing reads it.</summary>
        public TcpConnection NewConnection()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var remote = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _sockets.Add(listener);
            _sockets.Add(remote);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            remote.Connect(listener.LocalEndPoint!);
            var accepted = listener.Accept();
            _sockets.Add(accepted);
            return new TcpConnection(accepted, 1500, 128 * 1024, 0);
        }

        public void Dispose()
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Keeps the receive thread busy in the rejection report of a garbage connection until released.</summary>
    private sealed class ReceiveThreadHold : IDisposable
    {
        private readonly ManualResetEventSlim _busy = new();
        private readonly ManualResetEventSlim _release = new();

        public MediaServerOptions Configure(MediaServerOptions options) => options with
        {
            TcpConnectionRejected = _ =>
            {
                _busy.Set();
                _release.Wait(MediaRig.Guard);
            },
        };

        /// <summary>Sends garbage over a new connection and returns once the receive thread is held reporting its close.</summary>
        public async Task<Socket> HoldAsync(MediaRig rig)
        {
            var garbage = await ConnectRawAsync(rig);
            await garbage.SendAsync(Frame([0xEE]));
            Assert.That(_busy.Wait(MediaRig.Guard), Is.True, "the receive thread is held");
            return garbage;
        }

        public void Release() => _release.Set();

        public void Dispose()
        {
            _release.Set();
            _busy.Dispose();
            _release.Dispose();
        }
    }

    private MediaRig NewRig(Func<MediaServerOptions, MediaServerOptions>? configure = null, TimeProvider? time = null) =>
        new(_serverIdentity, time, o => (configure ?? (x => x))(o with { TcpPort = 0 }), batchedIo);

    private static async Task<Socket> ConnectRawAsync(MediaRig rig, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (from is not null)
        {
            // Linux answers every 127.0.0.0/8 address on the loopback interface: another source on this machine.
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(rig.TcpCandidate);
        return socket;
    }

    /// <summary>The server closed the connection: end of stream, or a reset.</summary>
    private static async Task AssertClosedAsync(Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(MediaRig.Guard) > 0)
            {
                // A response sent before the close; the close follows.
            }
        }
        catch (SocketException)
        {
            // Reset: closed as well.
        }
    }

    private static byte[] Frame(byte[] packet) => [(byte)(packet.Length >> 8), (byte)packet.Length, .. packet];

    private static byte[] Check(string username, string password, bool useCandidate = false)
    {
        Span<byte> buffer = stackalloc byte[512];
        Span<byte> priority = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(priority, (126u << 24) | (65535u << 8) | 255u);
        var writer = new StunMessageWriter(buffer);
        var written = writer.TryBegin(StunMessageType.BindingRequest, RandomNumberGenerator.GetBytes(StunConstants.TransactionIdLength))
            && writer.TryAddAttribute(StunAttributeType.Username, Encoding.ASCII.GetBytes(username))
            && writer.TryAddAttribute(StunAttributeType.Priority, priority)
            && writer.TryAddAttribute(StunAttributeType.IceControlling, RandomNumberGenerator.GetBytes(8))
            && (!useCandidate || writer.TryAddAttribute(StunAttributeType.UseCandidate, []))
            && writer.TryAddMessageIntegrity(Encoding.ASCII.GetBytes(password))
            && writer.TryAddFingerprint();
        Assert.That(written, Is.True);
        return writer.Written.ToArray();
    }
}
