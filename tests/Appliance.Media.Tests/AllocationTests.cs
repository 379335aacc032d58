using System.Net;
using Appliance.Media.Demux;
using Appliance.Media.Ice;
using Appliance.Media.Rtp;
using Appliance.Media.Tests.Ice;

namespace Appliance.Media.Tests;

/// <summary>The per-packet paths must not allocate (DESIGN.md, Media plane): the GC must not run per packet.</summary>
public class AllocationTests
{
    private const int Iterations = 10_000;

    [Test]
    public void Binding_request_handling_and_RTP_and_RTCP_parsing_allocate_nothing_after_warm_up()
    {
        var clock = new ManualClock();
        var credentials = IceCredentials.Generate();
        var agent = new IceLiteAgent(credentials, "ReMo", clock);
        var directory = new IceCredentialDirectory();
        directory.Register(agent);
        var request = new CheckBuilder($"{credentials.Ufrag}:ReMo", credentials.Password) { UseCandidate = true }.Build();
        var remote = new IPEndPoint(IPAddress.Parse("198.51.100.7"), 50123);
        var socketAddress = remote.Serialize();
        var peer = TransportAddress.FromEndPoint(remote);
        var rtp = Hex.Bytes("92 e0 ff ff ff ff ff ff 00 00 00 01 00 00 00 02 00 00 00 03 be de 00 02 10 aa 22 01 02 03 00 00 c0 c1");
        var rtcp = Hex.Bytes("81 cd 00 04 00 00 00 01 00 00 00 02 12 34 00 05 ff ff 80 01 81 ce 00 02 00 00 00 01 00 00 00 02");
        var response = new byte[128];
        var rtcpOut = new byte[64];
        ushort[] lost = [1, 2, 5, 40];

        long RunOnce(int i)
        {
            long sum = 0;
            sum += (int)directory.HandleBindingRequest(request, peer, clock.After(i), response, out var length, out _) + length;
            sum += (int)agent.HandleBindingRequest(request, socketAddress, clock.After(i), response, out length) + length;
            sum += (int)PacketDemultiplexer.Classify(rtp);
            RtpHeader.Read(rtp, out var header);
            sum += header.SequenceNumber;
            if (header.TryGetAudioLevel(rtp, 1, out var level))
            {
                sum += level.Level;
            }

            RtpHeaderWriter.TryRewrite(rtp, (uint)i, (ushort)i, (uint)i);
            var reader = new RtcpCompoundReader(rtcp);
            while (reader.TryReadNext(out var packet))
            {
                if (RtcpGenericNack.TryRead(packet, out var nack))
                {
                    foreach (var sequence in nack)
                    {
                        sum += sequence;
                    }
                }
            }

            RtcpWriter.TryWriteNack(rtcpOut, 1, 2, lost, out var written);
            RtcpWriter.TryWritePictureLossIndication(rtcpOut, 1, 2, out written);
            return sum + written;
        }

        for (var i = 0; i < 2_000; i++)
        {
            RunOnce(i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        long total = 0;
        for (var i = 0; i < Iterations; i++)
        {
            total += RunOnce(i);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(total, Is.Not.Zero);
        Assert.That(agent.TryGetNominatedAddress(out var nominated) && nominated == peer, Is.True);
    }
}
