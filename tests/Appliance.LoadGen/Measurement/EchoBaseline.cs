using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Appliance.Crypto.Srtp;
using Appliance.LoadGen.Trace;

namespace Appliance.LoadGen.Measurement;

/// <summary>
/// The generator's own share of every latency sample: video-sized packets stamped, SRTP-protected and sent to a UDP
/// echo thread on loopback, received back on a receive thread, unprotected and read, exactly the steps a packet takes
/// through the generator around an SFU. The median of this path is taken off every sample, so "added latency" is
/// what the SFU adds (its receive, decrypt, route, encrypt, send).
/// </summary>
internal static class EchoBaseline
{
    public static long MeasureTicks(SrtpProfile profile, TimeSpan duration)
    {
        var keyLength = profile == SrtpProfile.AeadAes128Gcm ? (Key: 16, Salt: 12) : (Key: 16, Salt: 14);
        var key = RandomNumberGenerator.GetBytes(keyLength.Key);
        var salt = RandomNumberGenerator.GetBytes(keyLength.Salt);
        using var sendKeys = new SrtpKeys(profile, key, salt);
        using var receiveKeys = new SrtpKeys(profile, key, salt);
        using var sender = SrtpSession.ForSending(sendKeys);
        using var receiver = SrtpSession.ForReceiving(receiveKeys);
        using var echo = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        echo.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        client.Connect(echo.LocalEndPoint!);
        var histogram = new LatencyHistogram();
        var running = true;
        var echoThread = new Thread(() =>
        {
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            while (Volatile.Read(ref running))
            {
                try
                {
                    var length = echo.ReceiveFrom(buffer, ref from);
                    echo.SendTo(buffer.AsSpan(0, length), SocketFlags.None, from);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // The measurement is over and the socket closed under the blocked receive.
                    return;
                }
            }
        }) { IsBackground = true };
        var receiveThread = new Thread(() =>
        {
            var buffer = new byte[2048];
            while (Volatile.Read(ref running))
            {
                try
                {
                    var length = client.Receive(buffer);
                    var now = Stopwatch.GetTimestamp();
                    if (receiver.UnprotectRtp(buffer.AsSpan(0, length), out var plain) == SrtpResult.Ok
                        && PacketStamp.TryRead(buffer.AsSpan(0, plain), out _, out _, out var sentAt))
                    {
                        lock (histogram)
                        {
                            histogram.Record(now - sentAt);
                        }
                    }
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // The measurement is over and the socket closed under the blocked receive.
                    return;
                }
            }
        }) { IsBackground = true };
        echoThread.Start();
        receiveThread.Start();

        var packet = new byte[1500];
        const int payloadOffset = 12;
        ushort sequence = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            packet[0] = 0x80;
            packet[1] = GeneratorPayloadType.Vp8;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence++);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0xEC40u);
            var length = payloadOffset + SyntheticTrace.VideoPayloadBytes;
            PacketStamp.Write(packet.AsSpan(payloadOffset, SyntheticTrace.VideoPayloadBytes), 0, StreamKind.Video, Stopwatch.GetTimestamp());
            if (sender.TryProtectRtp(packet, length, out var protectedLength))
            {
                client.Send(packet.AsSpan(0, protectedLength));
            }

            Thread.Sleep(2);
        }

        Volatile.Write(ref running, false);
        echo.Dispose();
        client.Dispose();
        echoThread.Join(TimeSpan.FromSeconds(1));
        receiveThread.Join(TimeSpan.FromSeconds(1));
        lock (histogram)
        {
            // Recorded in ticks here: the quantile is a tick count.
            return (long)histogram.Quantile(0.5);
        }
    }
}
