using System.Net;
using System.Text;
using Appliance.Media.Ice;
using Appliance.Media.Stun;
using Vectors = Appliance.Media.Tests.Stun.Rfc5769Vectors;

namespace Appliance.Media.Tests.Ice;

public class IceLiteAgentTests
{
    private const string LocalUfrag = "LoCa";
    private const string LocalPassword = "localPasswordOf24Chars+/";
    private const string RemoteUfrag = "ReMo";

    private static readonly TransportAddress Peer = TransportAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("198.51.100.7"), 50123));
    private static readonly TransportAddress OtherPeer = TransportAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 50999));

    private ManualClock _clock = null!;
    private IceLiteAgent _agent = null!;
    private byte[] _response = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock();
        _agent = new IceLiteAgent(new IceCredentials(LocalUfrag, LocalPassword), RemoteUfrag, _clock);
        _response = new byte[128];
    }

    private static CheckBuilder Check => new($"{LocalUfrag}:{RemoteUfrag}", LocalPassword);

    [Test]
    public void A_valid_check_is_answered_with_a_signed_success_that_tells_the_peer_its_address()
    {
        var request = Check.Build();

        var result = _agent.HandleBindingRequest(request, Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.Responded));
        Assert.That(StunMessage.Parse(_response.AsSpan(0, length), out var response), Is.EqualTo(StunParseResult.Ok));
        Assert.That(response.Type, Is.EqualTo(StunMessageType.BindingSuccessResponse));
        Assert.That(response.TransactionId.ToArray(), Is.EqualTo(request[8..20]));
        Assert.That(response.TryGetXorMappedAddress(out var mapped), Is.True);
        Assert.That(mapped, Is.EqualTo(Peer));
        Assert.That(response.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(LocalPassword)), Is.True);
        Assert.That(response.VerifyFingerprint(), Is.True);
    }

    [Test]
    public void A_check_with_use_candidate_nominates_the_pair_once()
    {
        var nominating = Check with { UseCandidate = true };

        var first = _agent.HandleBindingRequest(nominating.Build(), Peer, _clock.After(1), _response, out _);
        var again = _agent.HandleBindingRequest((nominating with { TransactionId = [.. new byte[12]] }).Build(), Peer, _clock.After(2), _response, out _);

        Assert.That(first, Is.EqualTo(IceCheckResult.Nominated));
        Assert.That(again, Is.EqualTo(IceCheckResult.Responded));
        Assert.That(_agent.TryGetNominatedAddress(out var nominated), Is.True);
        Assert.That(nominated, Is.EqualTo(Peer));
    }

    [Test]
    public void A_check_without_use_candidate_nominates_nothing_but_gives_an_address_to_send_to()
    {
        _agent.HandleBindingRequest(Check.Build(), Peer, _clock.After(1), _response, out _);

        Assert.That(_agent.TryGetNominatedAddress(out _), Is.False);
        Assert.That(_agent.TryGetRemoteAddress(out var remote), Is.True);
        Assert.That(remote, Is.EqualTo(Peer));
    }

    [Test]
    public void Before_any_valid_check_there_is_no_address_to_send_to()
    {
        Assert.That(_agent.TryGetRemoteAddress(out _), Is.False);
        Assert.That(_agent.TryGetNominatedAddress(out _), Is.False);
    }

    [Test]
    public void A_later_nomination_from_another_address_moves_the_selected_pair()
    {
        var nominating = Check with { UseCandidate = true };
        _agent.HandleBindingRequest(nominating.Build(), Peer, _clock.After(1), _response, out _);

        var result = _agent.HandleBindingRequest(nominating.Build(), OtherPeer, _clock.After(2), _response, out _);

        Assert.That(result, Is.EqualTo(IceCheckResult.Nominated));
        Assert.That(_agent.TryGetRemoteAddress(out var remote), Is.True);
        Assert.That(remote, Is.EqualTo(OtherPeer));
    }

    [Test]
    public void The_nominated_address_wins_over_the_first_valid_one()
    {
        _agent.HandleBindingRequest(Check.Build(), Peer, _clock.After(1), _response, out _);
        _agent.HandleBindingRequest((Check with { UseCandidate = true }).Build(), OtherPeer, _clock.After(2), _response, out _);

        _agent.TryGetRemoteAddress(out var remote);

        Assert.That(remote, Is.EqualTo(OtherPeer));
    }

    [Test]
    public void A_wrong_password_is_answered_401_without_integrity()
    {
        var request = new CheckBuilder($"{LocalUfrag}:{RemoteUfrag}", "wrongPasswordOf24Chars++").Build();

        var result = _agent.HandleBindingRequest(request, Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.Unauthorized));
        Assert.That(ErrorCodeOf(length, out var hasIntegrity), Is.EqualTo(401));
        Assert.That(hasIntegrity, Is.False);
        Assert.That(_agent.TryGetRemoteAddress(out _), Is.False);
    }

    [TestCase("XXXX:ReMo", TestName = "Another_local_ufrag_is_answered_401")]
    [TestCase("LoCa:XXXX", TestName = "Another_remote_ufrag_is_answered_401")]
    [TestCase("LoCa", TestName = "A_username_without_a_colon_is_answered_401")]
    [TestCase(":ReMo", TestName = "A_username_with_an_empty_local_ufrag_is_answered_401")]
    [TestCase("LoCaX:ReMo", TestName = "A_longer_local_ufrag_is_answered_401")]
    public void A_username_that_is_not_local_colon_remote_is_unauthorized(string username)
    {
        var request = new CheckBuilder(username, LocalPassword).Build();

        var result = _agent.HandleBindingRequest(request, Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.Unauthorized));
        Assert.That(ErrorCodeOf(length, out _), Is.EqualTo(401));
    }

    [Test]
    public void While_the_remote_ufrag_is_unknown_any_remote_part_is_accepted()
    {
        var agent = new IceLiteAgent(new IceCredentials(LocalUfrag, LocalPassword), null, _clock);
        var request = new CheckBuilder($"{LocalUfrag}:AnyOne", LocalPassword).Build();

        Assert.That(agent.HandleBindingRequest(request, Peer, _clock.After(1), _response, out _), Is.EqualTo(IceCheckResult.Responded));

        agent.SetRemoteUfrag(RemoteUfrag);
        Assert.That(agent.HandleBindingRequest(request, Peer, _clock.After(1), _response, out _), Is.EqualTo(IceCheckResult.Unauthorized));
    }

    [Test]
    public void A_check_without_username_is_a_bad_request()
    {
        var result = _agent.HandleBindingRequest((Check with { IncludeUsername = false }).Build(), Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.BadRequest));
        Assert.That(ErrorCodeOf(length, out _), Is.EqualTo(400));
    }

    [Test]
    public void A_check_without_message_integrity_is_a_bad_request()
    {
        var result = _agent.HandleBindingRequest((Check with { Integrity = false }).Build(), Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.BadRequest));
        Assert.That(ErrorCodeOf(length, out _), Is.EqualTo(400));
    }

    [Test]
    public void A_request_of_another_method_is_a_bad_request()
    {
        // An Allocate request (method 0x003), as a TURN client would send.
        var result = _agent.HandleBindingRequest((Check with { RawType = 0x0003 }).Build(), Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.BadRequest));
        Assert.That(ErrorCodeOf(length, out _), Is.EqualTo(400));
    }

    [Test]
    public void A_check_without_fingerprint_is_dropped_unanswered()
    {
        var result = _agent.HandleBindingRequest((Check with { Fingerprint = false }).Build(), Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.Dropped));
        Assert.That(length, Is.Zero);
    }

    [Test]
    public void A_check_with_a_wrong_fingerprint_is_dropped_unanswered()
    {
        var request = Check.Build();
        request[^1] ^= 1;

        var result = _agent.HandleBindingRequest(request, Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.Dropped));
        Assert.That(length, Is.Zero);
    }

    [Test]
    public void A_binding_indication_is_ignored_and_refreshes_nothing()
    {
        var result = _agent.HandleBindingRequest(
            (Check with { Type = StunMessageType.BindingIndication }).Build(), Peer, _clock.After(29), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.Ignored));
        Assert.That(length, Is.Zero);
        Assert.That(_agent.IsAlive(_clock.After(30)), Is.False);
    }

    [Test]
    public void The_sample_request_of_RFC_5769_section_2_1_claims_the_controlled_role_and_gets_487()
    {
        // Its USERNAME is "evtj:h6vY" and it carries ICE-CONTROLLED: a lite agent is always controlled.
        var agent = new IceLiteAgent(new IceCredentials("evtj", Vectors.Password), "h6vY", _clock);

        var result = agent.HandleBindingRequest(Vectors.SampleRequest, Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.RoleConflict));
        Assert.That(ErrorCodeOf(length, out var hasIntegrity), Is.EqualTo(487));
        Assert.That(hasIntegrity, Is.True);
        StunMessage.Parse(_response.AsSpan(0, length), out var response);
        Assert.That(response.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(Vectors.Password)), Is.True);
        Assert.That(response.TransactionId.ToArray(), Is.EqualTo(Vectors.TransactionId));
        Assert.That(agent.TryGetRemoteAddress(out _), Is.False);
    }

    [Test]
    public void An_authenticated_check_with_an_unknown_required_attribute_gets_420_listing_it()
    {
        var request = (Check with { ExtraAttributes = [0x0003, 0xC057] }).Build();

        var result = _agent.HandleBindingRequest(request, Peer, _clock.After(1), _response, out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.UnknownAttribute));
        Assert.That(ErrorCodeOf(length, out var hasIntegrity), Is.EqualTo(420));
        Assert.That(hasIntegrity, Is.True);
        StunMessage.Parse(_response.AsSpan(0, length), out var response);
        var listed = Array.Empty<byte>();
        foreach (var attribute in response.EnumerateAttributes())
        {
            if (attribute.Type == (int)StunAttributeType.UnknownAttributes)
            {
                listed = attribute.Value.ToArray();
            }
        }

        Assert.That(listed, Is.EqualTo(new byte[] { 0x00, 0x03 }));
    }

    [Test]
    public void An_unauthenticated_check_with_an_unknown_attribute_gets_401_not_420()
    {
        var request = new CheckBuilder($"{LocalUfrag}:{RemoteUfrag}", "wrongPasswordOf24Chars++") { ExtraAttributes = [0x0003] }.Build();

        Assert.That(_agent.HandleBindingRequest(request, Peer, _clock.After(1), _response, out _), Is.EqualTo(IceCheckResult.Unauthorized));
    }

    [Test]
    public void A_new_agent_is_alive_for_30_seconds_without_any_check()
    {
        Assert.That(_agent.IsAlive(_clock.After(0)), Is.True);
        Assert.That(_agent.IsAlive(_clock.After(29.999)), Is.True);
        Assert.That(_agent.IsAlive(_clock.After(30)), Is.False);
    }

    [Test]
    public void Consent_lasts_30_seconds_after_the_last_valid_check()
    {
        _agent.HandleBindingRequest(Check.Build(), Peer, _clock.After(20), _response, out _);

        Assert.That(_agent.IsAlive(_clock.After(49.999)), Is.True);
        Assert.That(_agent.IsAlive(_clock.After(50)), Is.False);
        Assert.That(_agent.ConsentTimestamp, Is.EqualTo(_clock.After(20)));
    }

    [Test]
    public void Failed_checks_do_not_refresh_consent()
    {
        var wrong = new CheckBuilder($"{LocalUfrag}:{RemoteUfrag}", "wrongPasswordOf24Chars++").Build();
        _agent.HandleBindingRequest(wrong, Peer, _clock.After(25), _response, out _);
        _agent.HandleBindingRequest((Check with { Controlled = true, Controlling = false }).Build(), Peer, _clock.After(26), _response, out _);

        Assert.That(_agent.IsAlive(_clock.After(30)), Is.False);
    }

    [Test]
    public void Once_a_pair_is_nominated_only_checks_on_it_refresh_consent()
    {
        _agent.HandleBindingRequest((Check with { UseCandidate = true }).Build(), Peer, _clock.After(1), _response, out _);

        _agent.HandleBindingRequest(Check.Build(), OtherPeer, _clock.After(25), _response, out _);

        Assert.That(_agent.IsAlive(_clock.After(31)), Is.False);
    }

    [Test]
    public void An_older_timestamp_never_moves_consent_back()
    {
        _agent.HandleBindingRequest(Check.Build(), Peer, _clock.After(20), _response, out _);
        _agent.HandleBindingRequest(Check.Build(), Peer, _clock.After(10), _response, out _);

        Assert.That(_agent.IsAlive(_clock.After(45)), Is.True);
    }

    [Test]
    public void After_an_ice_restart_both_credentials_work_until_the_new_ones_are_used()
    {
        _agent.HandleBindingRequest((Check with { UseCandidate = true }).Build(), Peer, _clock.After(1), _response, out _);
        var renewed = new IceCredentials("NeWu", "newPasswordOf24Chars++++");
        _agent.Restart(renewed, "NeWr");
        var oldCheck = Check.Build();
        var newCheck = new CheckBuilder("NeWu:NeWr", renewed.Password).Build();

        Assert.That(_agent.HandleBindingRequest(oldCheck, Peer, _clock.After(2), _response, out _), Is.EqualTo(IceCheckResult.Responded));
        Assert.That(_agent.PreviousLocalCredentials, Is.Not.Null);
        Assert.That(_agent.HandleBindingRequest(newCheck, Peer, _clock.After(3), _response, out var length), Is.EqualTo(IceCheckResult.Responded));
        StunMessage.Parse(_response.AsSpan(0, length), out var response);
        Assert.That(response.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(renewed.Password)), Is.True);
        Assert.That(_agent.PreviousLocalCredentials, Is.Null);
        Assert.That(_agent.HandleBindingRequest(oldCheck, Peer, _clock.After(4), _response, out _), Is.EqualTo(IceCheckResult.Unauthorized));
    }

    [Test]
    public void An_ice_restart_keeps_the_selected_pair_and_consent()
    {
        _agent.HandleBindingRequest((Check with { UseCandidate = true }).Build(), Peer, _clock.After(10), _response, out _);

        _agent.Restart(IceCredentials.Generate(), null);

        Assert.That(_agent.TryGetNominatedAddress(out var nominated), Is.True);
        Assert.That(nominated, Is.EqualTo(Peer));
        Assert.That(_agent.IsAlive(_clock.After(39)), Is.True);
    }

    [Test]
    public void A_response_buffer_too_small_changes_nothing()
    {
        var result = _agent.HandleBindingRequest((Check with { UseCandidate = true }).Build(), Peer, _clock.After(20), new byte[40], out var length);

        Assert.That(result, Is.EqualTo(IceCheckResult.ResponseBufferTooSmall));
        Assert.That(length, Is.Zero);
        Assert.That(_agent.TryGetRemoteAddress(out _), Is.False);
        Assert.That(_agent.IsAlive(_clock.After(30)), Is.False);
    }

    [Test]
    public void The_socket_address_overload_answers_the_address_the_socket_reported()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 3478);
        var socketAddress = endPoint.Serialize();

        var result = _agent.HandleBindingRequest(Check.Build(), socketAddress, _clock.After(1), _response, out var length);

        StunMessage.Parse(_response.AsSpan(0, length), out var response);
        response.TryGetXorMappedAddress(out var mapped);
        Assert.That(result, Is.EqualTo(IceCheckResult.Responded));
        Assert.That(mapped.ToEndPoint(), Is.EqualTo(endPoint));
    }

    [Test]
    public void The_socket_address_of_an_IPv6_peer_is_read_with_its_port()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853);

        Assert.That(TransportAddress.TryFromSocketAddress(endPoint.Serialize(), out var address), Is.True);
        Assert.That(address, Is.EqualTo(TransportAddress.FromEndPoint(endPoint)));
        Assert.That(address.ToEndPoint(), Is.EqualTo(endPoint));
    }

    private int ErrorCodeOf(int length, out bool hasIntegrity)
    {
        Assert.That(StunMessage.Parse(_response.AsSpan(0, length), out var response), Is.EqualTo(StunParseResult.Ok));
        Assert.That(response.Type, Is.EqualTo(StunMessageType.BindingErrorResponse));
        Assert.That(response.VerifyFingerprint(), Is.True);
        hasIntegrity = response.HasMessageIntegrity;
        response.TryGetErrorCode(out var code, out _);
        return code;
    }
}
