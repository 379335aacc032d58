using System.Net;
using System.Text;
using Appliance.Media.Ice;
using Appliance.Media.Stun;

namespace Appliance.Media.Tests.Ice;

public class IceCredentialDirectoryTests
{
    private static readonly TransportAddress Peer = TransportAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("198.51.100.7"), 50123));

    private readonly ManualClock _clock = new();
    private readonly byte[] _response = new byte[128];

    [Test]
    public void A_request_reaches_the_agent_whose_ufrag_is_the_local_part_of_its_username()
    {
        var directory = new IceCredentialDirectory();
        var alice = NewAgent("alice", "aliceRemote");
        var bob = NewAgent("bob0", "bobRemote");
        directory.Register(alice);
        directory.Register(bob);
        var request = new CheckBuilder("bob0:bobRemote", bob.LocalCredentials.Password) { UseCandidate = true }.Build();

        var result = directory.HandleBindingRequest(request, Peer, _clock.After(1), _response, out var length, out var agent);

        Assert.That(result, Is.EqualTo(IceCheckResult.Nominated));
        Assert.That(agent, Is.SameAs(bob));
        Assert.That(bob.TryGetNominatedAddress(out _), Is.True);
        Assert.That(alice.TryGetRemoteAddress(out _), Is.False);
        StunMessage.Parse(_response.AsSpan(0, length), out var response);
        Assert.That(response.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(bob.LocalCredentials.Password)), Is.True);
    }

    [Test]
    public void An_unknown_ufrag_is_answered_401_and_names_no_agent()
    {
        var directory = new IceCredentialDirectory();
        directory.Register(NewAgent("alice", "aliceRemote"));
        var request = new CheckBuilder("nobody:x123", "passwordOfTwentyTwoChars").Build();

        var result = directory.HandleBindingRequest(request, Peer, _clock.After(1), _response, out var length, out var agent);

        Assert.That(result, Is.EqualTo(IceCheckResult.Unauthorized));
        Assert.That(length, Is.GreaterThan(0));
        Assert.That(agent, Is.Null);
    }

    [Test]
    public void Garbage_is_dropped_by_the_directory()
    {
        var directory = new IceCredentialDirectory();

        var result = directory.HandleBindingRequest(new byte[] { 0, 1, 2 }, Peer, _clock.After(1), _response, out var length, out var agent);

        Assert.That(result, Is.EqualTo(IceCheckResult.Dropped));
        Assert.That(length, Is.Zero);
        Assert.That(agent, Is.Null);
    }

    [Test]
    public void Lookup_by_ufrag_bytes_finds_exactly_the_registered_agent()
    {
        var directory = new IceCredentialDirectory();
        var alice = NewAgent("alice", null);
        directory.Register(alice);

        Assert.That(directory.TryFind("alice"u8, out var found), Is.True);
        Assert.That(found, Is.SameAs(alice));
        Assert.That(directory.TryFind("Alice"u8, out _), Is.False);
        Assert.That(directory.TryFind("alic"u8, out _), Is.False);
        Assert.That(directory.TryFind("alicee"u8, out _), Is.False);
        Assert.That(directory.TryFind(ReadOnlySpan<byte>.Empty, out _), Is.False);
    }

    [Test]
    public void A_ufrag_cannot_be_registered_twice()
    {
        var directory = new IceCredentialDirectory();
        directory.Register(NewAgent("alice", null));

        Assert.That(() => directory.Register(NewAgent("alice", null)), Throws.InvalidOperationException);
    }

    [Test]
    public void Unregister_removes_every_ufrag_of_the_agent()
    {
        var directory = new IceCredentialDirectory();
        var alice = NewAgent("alice", null);
        directory.Register(alice);
        directory.Restart(alice, new IceCredentials("alice2", "passwordOfTwentyTwoChars"), null);

        Assert.That(directory.Count, Is.EqualTo(2));
        Assert.That(directory.Unregister(alice), Is.True);
        Assert.That(directory.Count, Is.Zero);
        Assert.That(directory.Unregister(alice), Is.False);
    }

    [Test]
    public void A_restart_adds_the_new_ufrag_keeps_the_current_one_and_drops_older_ones()
    {
        var directory = new IceCredentialDirectory();
        var alice = NewAgent("alice", null);
        directory.Register(alice);

        directory.Restart(alice, new IceCredentials("alice2", "passwordOfTwentyTwoChars"), null);
        Assert.That(directory.TryFind("alice"u8, out _), Is.True);
        Assert.That(directory.TryFind("alice2"u8, out var found), Is.True);
        Assert.That(found, Is.SameAs(alice));

        directory.Restart(alice, new IceCredentials("alice3", "passwordOfTwentyTwoChars"), null);
        Assert.That(directory.TryFind("alice"u8, out _), Is.False);
        Assert.That(directory.TryFind("alice2"u8, out _), Is.True);
        Assert.That(directory.TryFind("alice3"u8, out _), Is.True);
    }

    [Test]
    public void A_restart_to_a_ufrag_in_use_is_refused_and_changes_nothing()
    {
        var directory = new IceCredentialDirectory();
        var alice = NewAgent("alice", null);
        directory.Register(alice);
        directory.Register(NewAgent("bob0", null));

        Assert.That(
            () => directory.Restart(alice, new IceCredentials("bob0", "passwordOfTwentyTwoChars"), null),
            Throws.InvalidOperationException);
        Assert.That(alice.LocalCredentials.Ufrag, Is.EqualTo("alice"));
    }

    [Test]
    public void The_comparer_hashes_a_ufrag_string_and_its_bytes_alike()
    {
        var comparer = IceCredentialDirectory.UfragComparer.Instance;

        Assert.That(comparer.GetHashCode("a+b/Z9"u8), Is.EqualTo(comparer.GetHashCode("a+b/Z9")));
        Assert.That(comparer.Equals("a+b/Z9"u8, "a+b/Z9"), Is.True);
        Assert.That(comparer.Equals("a+b/Z8"u8, "a+b/Z9"), Is.False);
    }

    private IceLiteAgent NewAgent(string ufrag, string? remoteUfrag) =>
        new(new IceCredentials(ufrag, IceCredentials.Generate().Password), remoteUfrag, _clock);
}
