using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Media.Client;
using Appliance.Media.Stun;
using Appliance.Media.Tests.Ice;

namespace Appliance.Media.Tests.Client;

/// <summary>
/// The client endpoint against a full ICE agent (Janus's libnice checks back before it nominates): it answers checks
/// addressed to it and signed with its password, and nothing else.
/// </summary>
public sealed class WebRtcClientEndpointTests
{
    [Test]
    [CancelAfter(10_000)]
    public async Task The_servers_signed_check_gets_a_signed_success_with_the_servers_address(CancellationToken cancellationToken)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new WebRtcClientEndpoint(new WebRtcClientOptions { IceTimeout = TimeSpan.FromSeconds(5), ConsentInterval = null });
        var serverEndPoint = (IPEndPoint)server.LocalEndPoint!;
        using var stopConnecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var connecting = client.ConnectAsync(serverEndPoint, "srvU", "server-password-0123456789", "00:11", stopConnecting.Token);
        var ufrag = client.LocalIceCredentials.Ufrag;
        var password = client.LocalIceCredentials.Password;

        var wrongPassword = new CheckBuilder($"{ufrag}:srvU", "not-the-client-password-0") { Controlling = false, Controlled = true }.Build();
        var wrongUfrag = new CheckBuilder($"someone:srvU", password) { Controlling = false, Controlled = true }.Build();
        var good = new CheckBuilder($"{ufrag}:srvU", password) { Controlling = false, Controlled = true };
        await server.SendToAsync(wrongPassword, SocketFlags.None, client.LocalEndPoint, cancellationToken);
        await server.SendToAsync(wrongUfrag, SocketFlags.None, client.LocalEndPoint, cancellationToken);
        await server.SendToAsync(good.Build(), SocketFlags.None, client.LocalEndPoint, cancellationToken);

        var responses = new List<byte[]>();
        var buffer = new byte[1500];
        while (responses.Count == 0)
        {
            var received = await server.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancellationToken);
            var datagram = buffer[..received.ReceivedBytes];
            // The client's own checks arrive too; only responses matter here.
            if (StunMessage.Parse(datagram, out var message) == StunParseResult.Ok && message.Class != StunMessageClass.Request)
            {
                responses.Add(datagram);
            }
        }

        await Task.Delay(200, cancellationToken);
        while (server.Available > 0)
        {
            var received = server.Receive(buffer);
            if (StunMessage.Parse(buffer.AsSpan(0, received), out var extra) == StunParseResult.Ok && extra.Class != StunMessageClass.Request)
            {
                responses.Add(buffer[..received]);
            }
        }

        await stopConnecting.CancelAsync();
        Assert.CatchAsync(async () => await connecting);
        Assert.That(responses, Has.Count.EqualTo(1), "only the signed check to our ufrag is answered");
        Assert.That(StunMessage.Parse(responses[0], out var success), Is.EqualTo(StunParseResult.Ok));
        var type = success.Type;
        var sameTransaction = success.TransactionId.SequenceEqual(good.TransactionId);
        var signed = success.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(password)) && success.VerifyFingerprint();
        var mappedToServer = success.TryGetXorMappedAddress(out var mapped) && mapped == TransportAddress.FromEndPoint(serverEndPoint);
        Assert.Multiple(() =>
        {
            Assert.That(type, Is.EqualTo(StunMessageType.BindingSuccessResponse));
            Assert.That(sameTransaction, Is.True);
            Assert.That(signed, Is.True, "MESSAGE-INTEGRITY with the client's password, and FINGERPRINT");
            Assert.That(mappedToServer, Is.True, "XOR-MAPPED-ADDRESS is the requester's");
        });
    }
}
