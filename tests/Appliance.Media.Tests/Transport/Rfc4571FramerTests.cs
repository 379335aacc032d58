using Appliance.Media.Transport;

namespace Appliance.Media.Tests.Transport;

/// <summary>RFC 4571 framing (16-bit big-endian length, then the packet) as ICE-TCP reads it.</summary>
public class Rfc4571FramerTests
{
    private const int Max = 1500;

    [Test]
    public void A_frame_split_across_reads_is_taken_once_complete()
    {
        var framer = new Rfc4571Framer(Max);
        var packet = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var stream = Frame(packet);

        foreach (var cut in new[] { 1, 2, 150 })
        {
            var start = framer.Buffered;
            Feed(framer, stream.AsSpan(start, cut - start));
            Assert.That(framer.TryTakeFrame(out _), Is.EqualTo(FrameResult.NeedMore), $"after {cut} bytes");
        }

        Feed(framer, stream.AsSpan(150));

        Assert.That(framer.TryTakeFrame(out var frame), Is.EqualTo(FrameResult.Frame));
        Assert.That(frame.ToArray(), Is.EqualTo(packet));
        Assert.That(framer.TryTakeFrame(out _), Is.EqualTo(FrameResult.NeedMore));
        Assert.That(framer.Buffered, Is.Zero);
    }

    [Test]
    public void Several_frames_in_one_read_come_out_in_order_and_a_partial_tail_waits()
    {
        var framer = new Rfc4571Framer(Max);
        byte[][] packets = [[1], [2, 2], [3, 3, 3], new byte[1000]];
        var stream = packets.SelectMany(Frame).Concat(new byte[] { 0, 5, 9 }).ToArray();

        Feed(framer, stream);

        foreach (var packet in packets)
        {
            Assert.That(framer.TryTakeFrame(out var frame), Is.EqualTo(FrameResult.Frame));
            Assert.That(frame.ToArray(), Is.EqualTo(packet));
        }

        Assert.That(framer.TryTakeFrame(out _), Is.EqualTo(FrameResult.NeedMore));
        Assert.That(framer.Buffered, Is.EqualTo(3), "the tail's header and first byte wait for the rest");
        Feed(framer, [9, 9, 9, 9]);
        Assert.That(framer.TryTakeFrame(out var last), Is.EqualTo(FrameResult.Frame));
        Assert.That(last.ToArray(), Is.EqualTo(new byte[] { 9, 9, 9, 9, 9 }));
    }

    [TestCase(0)]
    [TestCase(Max + 1)]
    [TestCase(65535)]
    public void A_length_of_zero_or_above_the_maximum_is_invalid_and_stays_so(int length)
    {
        var framer = new Rfc4571Framer(Max);
        Feed(framer, [.. Frame([7]), (byte)(length >> 8), (byte)length, 1, 2, 3]);

        Assert.That(framer.TryTakeFrame(out _), Is.EqualTo(FrameResult.Frame), "the frame before is good");
        Assert.That(framer.TryTakeFrame(out _), Is.EqualTo(FrameResult.InvalidLength));
        Assert.That(framer.TryTakeFrame(out _), Is.EqualTo(FrameResult.InvalidLength), "no resynchronisation");
    }

    [Test]
    public void End_of_stream_inside_a_frame_leaves_bytes_buffered()
    {
        var framer = new Rfc4571Framer(Max);
        Feed(framer, Frame([1, 2, 3, 4]).AsSpan(0, 4));

        Assert.That(framer.TryTakeFrame(out _), Is.EqualTo(FrameResult.NeedMore));
        Assert.That(framer.Buffered, Is.EqualTo(4), "what the reader reports as a frame cut off at end of stream");
    }

    [Test]
    public void The_free_space_always_fits_a_whole_maximum_frame_after_frames_are_taken()
    {
        var framer = new Rfc4571Framer(Max);
        for (var round = 0; round < 50; round++)
        {
            var packet = new byte[Max - round];
            packet[0] = (byte)round;
            var stream = Frame(packet);
            Feed(framer, stream.AsSpan(0, 700));
            Assert.That(framer.FreeSpace.Length, Is.GreaterThanOrEqualTo(stream.Length - 700));
            Feed(framer, stream.AsSpan(700));
            Assert.That(framer.TryTakeFrame(out var frame), Is.EqualTo(FrameResult.Frame));
            Assert.That(frame[0], Is.EqualTo((byte)round));
            Assert.That(frame.Length, Is.EqualTo(packet.Length));
        }
    }

    [Test]
    public void The_header_is_the_length_big_endian()
    {
        var header = new byte[2];
        Rfc4571Framer.WriteHeader(header, 0x1234);
        Assert.That(header, Is.EqualTo(new byte[] { 0x12, 0x34 }));
    }

    private static byte[] Frame(byte[] packet) => [(byte)(packet.Length >> 8), (byte)packet.Length, .. packet];

    private static void Feed(Rfc4571Framer framer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(framer.FreeSpace.Span);
        framer.Advance(bytes.Length);
    }
}
