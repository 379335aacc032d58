using System.Net;
using System.Net.Sockets;
using Appliance.Media.Transport;

namespace Appliance.Media.Tests.Transport;

/// <summary>sendmmsg/recvmmsg against real loopback sockets, blocking and non-blocking.</summary>
[TestFixture(true)]
[TestFixture(false)]
public class BatchedDatagramIoTests(bool blocking)
{
    private const int SlotSize = 600;

    [SetUp]
    public void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Batched I/O is Linux only; elsewhere the media server uses the socket's calls.");
        }
    }

    [Test]
    public void A_burst_is_received_in_slots_of_32_with_lengths_addresses_and_oversized_ones_marked()
    {
        using var server = Bound();
        using var client = Bound();
        using var io = BatchedDatagramIo.TryCreate(server, SlotSize, SlotSize)!;
        Assert.That(io, Is.Not.Null);

        // Nothing there: a bounded wait (SO_RCVTIMEO on a blocking socket, poll on a non-blocking one), no error.
        server.ReceiveTimeout = 30;
        Assert.That(io.Receive(30, out var error), Is.Zero);
        Assert.That(error, Is.Zero);

        var sent = Enumerable.Range(0, 40).Select(i => Enumerable.Repeat((byte)i, i == 5 ? SlotSize + 400 : 10 + i).ToArray()).ToList();
        foreach (var datagram in sent)
        {
            client.SendTo(datagram, server.LocalEndPoint!);
        }

        var received = new List<(byte[] Data, int Length, IPEndPoint From)>();
        while (received.Count < sent.Count)
        {
            var count = io.Receive(1000, out error);
            Assert.That(count, Is.InRange(1, BatchedDatagramIo.ReceiveSlots), $"errno {error}");
            for (var i = 0; i < count; i++)
            {
                var address = new SocketAddress(AddressFamily.InterNetwork);
                io.ReceivedAddress(i).CopyTo(address.Buffer.Span);
                address.Size = io.ReceivedAddress(i).Length;
                received.Add((io.ReceivedData(i).ToArray(), io.ReceivedLength(i), (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address)));
            }
        }

        Assert.That(received.Select(r => r.Length), Is.EqualTo(sent.Select(s => s.Length)), "whole lengths, the oversized one's too");
        Assert.That(received[5].Data, Has.Length.EqualTo(SlotSize), "the oversized one is cut to its slot");
        Assert.That(received.Where((_, i) => i != 5).Select(r => r.Data), Is.EqualTo(sent.Where((_, i) => i != 5)));
        Assert.That(received.Select(r => r.From), Is.All.EqualTo(client.LocalEndPoint));
    }

    [Test]
    public void A_batch_goes_out_whole_and_a_refused_datagram_fails_alone()
    {
        using var server = Bound();
        using var target = Bound();
        using var io = BatchedDatagramIo.TryCreate(server, SlotSize, SlotSize)!;
        var good = target.LocalEndPoint!.Serialize();
        var refused = new IPEndPoint(IPAddress.Loopback, 0).Serialize();

        for (var i = 0; i < BatchedDatagramIo.SendSlots; i++)
        {
            var buffer = io.NextSendBuffer;
            buffer[..(i + 1)].Fill((byte)i);
            var address = i % 10 == 3 ? refused : good;
            Assert.That(io.TryQueueSend(address.Buffer.Span[..address.Size], i + 1), Is.True);
        }

        Assert.That(io.TryQueueSend(good.Buffer.Span[..good.Size], 1), Is.False, "the batch is full");
        io.SendQueued();

        var refusedSlots = Enumerable.Range(0, BatchedDatagramIo.SendSlots).Where(i => i % 10 == 3).ToList();
        Assert.That(Enumerable.Range(0, BatchedDatagramIo.SendSlots).Where(i => io.SendError(i) != 0), Is.EqualTo(refusedSlots));
        Assert.That(io.QueuedLength(63), Is.EqualTo(64));
        io.ClearSends();
        Assert.That(io.QueuedSends, Is.Zero);

        target.ReceiveTimeout = 2000;
        var buffer2 = new byte[2048];
        var expected = Enumerable.Range(0, BatchedDatagramIo.SendSlots).Except(refusedSlots).ToList();
        foreach (var i in expected)
        {
            var length = target.Receive(buffer2);
            Assert.That(buffer2.AsSpan(0, length).ToArray(), Is.EqualTo(Enumerable.Repeat((byte)i, i + 1).ToArray()));
        }
    }

    private Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Blocking = blocking;
        return socket;
    }
}
