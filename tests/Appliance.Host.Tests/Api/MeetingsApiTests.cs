using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Appliance.Core.Identity;
using Appliance.Crypto;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Api;

/// <summary>
/// The REST API with personal bearer tokens. One appliance with two organisers and an auditor, each with a token made
/// on the account page; tests book their own meetings.
/// </summary>
public sealed class MeetingsApiTests : ApplianceFixture
{
    private StaffSession _organiser = null!;
    private StaffSession _auditor = null!;
    private HttpClient _adminApi = null!;
    private HttpClient _organiserApi = null!;
    private HttpClient _auditorApi = null!;

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        _organiser = await AddStaffAsync("olga", "Olga Organiser", RoleNames.Organiser);
        _auditor = await AddStaffAsync("arne", "Arne Auditor", RoleNames.Auditor);
        _adminApi = StaffSession.ApiClient(Appliance, await Admin.CreateApiTokenAsync());
        _organiserApi = StaffSession.ApiClient(Appliance, await _organiser.CreateApiTokenAsync());
        _auditorApi = StaffSession.ApiClient(Appliance, await _auditor.CreateApiTokenAsync());
    }

    [OneTimeTearDown]
    public void DisposeApiClients()
    {
        _adminApi.Dispose();
        _organiserApi.Dispose();
        _auditorApi.Dispose();
    }

    [Test]
    public async Task Listing_meetings_without_credentials_answers_401_problem_with_a_bearer_challenge()
    {
        using var anonymous = Appliance.CreateClient();

        var answer = await ApiCalls.GetAsync(anonymous, "/api/v1/meetings");

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(answer.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(answer.Root.GetProperty("status").GetInt32(), Is.EqualTo(401));
            Assert.That(answer.Response.Headers.WwwAuthenticate.Select(h => h.Scheme), Is.EqualTo(new[] { "Bearer" }));
        });
    }

    [Test]
    public async Task Staff_session_cookie_is_not_accepted_by_the_api()
    {
        // The admin's browser is signed in: the same cookies open the pages but not the API.
        var page = await Forms.GetAsync(Admin.Client, "/meetings");
        var answer = await ApiCalls.GetAsync(Admin.Client, "/api/v1/meetings");
        var posted = await ApiCalls.PostAsync(Admin.Client, "/api/v1/meetings", ApiCalls.Meeting("Booked with a cookie"));

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(posted.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task Guest_cookies_and_guest_tokens_are_not_accepted_by_the_api()
    {
        var meetingId = await ApiCalls.BookAsync(_adminApi, "Guest cookie meeting");
        var invited = await ApiCalls.PostAsync(_adminApi, $"/api/v1/meetings/{meetingId}/invitations", new { guestName = "Gus Guest", pin = "2468" });
        var link = new Uri(invited.Root.GetProperty("link").GetString()!);
        var cookies = new CookieContainer();
        using var guest = Appliance.CreateClient(cookies);
        var ask = await Forms.GetAsync(guest, link.AbsolutePath);
        var pin = await Forms.PostAsync(guest, link.AbsolutePath, Forms.Fields(("pin", "2468")), Forms.FindToken(ask.Body));
        Assert.That(pin.Status, Is.EqualTo(HttpStatusCode.Redirect), "the guest gave the right PIN");
        Assert.That(cookies.GetAllCookies().Select(c => c.Name), Does.Contain("__Host-appliance-guest"));

        var withCookies = await ApiCalls.GetAsync(guest, "/api/v1/meetings");
        var withCookiesOne = await ApiCalls.GetAsync(guest, "/api/v1/meetings/" + meetingId);
        using var linkAsBearer = StaffSession.ApiClient(Appliance, link.AbsolutePath["/j/".Length..]);
        var withLinkToken = await ApiCalls.GetAsync(linkAsBearer, "/api/v1/meetings");

        Assert.Multiple(() =>
        {
            Assert.That(withCookies.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(withCookiesOne.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(withLinkToken.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [TestCase("Bearer", "not-a-token")]
    [TestCase("Bearer", "")]
    [TestCase("Basic", "YWRtaW46cGFzc3dvcmQ=")]
    public async Task Unknown_tokens_and_other_schemes_answer_401(string scheme, string value)
    {
        using var client = Appliance.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/meetings");
        request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {value}".Trim());

        var answer = await ApiCalls.ReadAsync(await client.SendAsync(request));

        Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(answer.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task A_well_formed_token_that_was_never_issued_answers_401()
    {
        using var client = StaffSession.ApiClient(Appliance, SecretToken.Generate());

        var answer = await ApiCalls.GetAsync(client, "/api/v1/meetings");

        Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_revoked_token_answers_401()
    {
        var token = await _organiser.CreateApiTokenAsync("short-lived");
        using var client = StaffSession.ApiClient(Appliance, token);
        Assert.That((await ApiCalls.GetAsync(client, "/api/v1/meetings")).Status, Is.EqualTo(HttpStatusCode.OK), "works before it is revoked");

        var identity = Appliance.Service<IIdentityStore>();
        var userId = (await identity.FindUserByNameAsync(_organiser.UserName))!.Id;
        var tokenId = (await identity.ListApiTokensAsync(userId)).Single(t => t.Name == "short-lived").Id;
        var page = await Forms.GetAsync(_organiser.Client, "/account/tokens");
        Assert.That(page.Body, Does.Contain($"name=\"tokenId\" value=\"{tokenId}\""), "the account page offers to revoke it");
        var revoked = await Forms.PostAsync(_organiser.Client, "/account/tokens?handler=Revoke", Forms.Fields(("tokenId", tokenId)), Forms.FindToken(page.Body));
        Assert.That(revoked.Status, Is.EqualTo(HttpStatusCode.OK));

        var answer = await ApiCalls.GetAsync(client, "/api/v1/meetings");

        Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task An_expired_token_answers_401()
    {
        var token = await _organiser.CreateApiTokenAsync("expiring");
        using var client = StaffSession.ApiClient(Appliance, token);
        Assert.That((await ApiCalls.GetAsync(client, "/api/v1/meetings")).Status, Is.EqualTo(HttpStatusCode.OK), "works before it expires");
        var identity = Appliance.Service<IIdentityStore>();
        var stored = await identity.FindApiTokenByHashAsync(SecretToken.Hash(token));
        await identity.UpdateApiTokenAsync(stored! with { ExpiresAt = TimeProvider.System.GetUtcNow().AddMinutes(-1) });

        var answer = await ApiCalls.GetAsync(client, "/api/v1/meetings");

        Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_user_without_the_organiser_role_gets_403_problem()
    {
        var list = await ApiCalls.GetAsync(_auditorApi, "/api/v1/meetings");
        var book = await ApiCalls.PostAsync(_auditorApi, "/api/v1/meetings", ApiCalls.Meeting("Auditor's meeting"));

        Assert.Multiple(() =>
        {
            Assert.That(list.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(list.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(book.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task The_host_gets_a_join_ticket_for_their_own_meeting_and_nobody_else_does()
    {
        var theirs = await ApiCalls.BookAsync(_organiserApi, "Olga's ticket meeting");

        var own = await ApiCalls.PostAsync(_organiserApi, $"/api/v1/meetings/{theirs}/join-ticket", new { });
        var other = await ApiCalls.PostAsync(_adminApi, $"/api/v1/meetings/{theirs}/join-ticket", new { });
        var auditor = await ApiCalls.PostAsync(_auditorApi, $"/api/v1/meetings/{theirs}/join-ticket", new { });

        var ticket = Appliance.Service<Appliance.Host.Signalling.JoinTickets>().Read(own.Root.GetProperty("ticket").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(own.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(own.Root.GetProperty("webSocketPath").GetString(), Is.EqualTo("/ws"));
            Assert.That(ticket, Is.Not.Null);
            Assert.That(ticket!.MeetingId, Is.EqualTo(theirs));
            Assert.That(ticket.Kind, Is.EqualTo(global::Appliance.Core.Rooms.ParticipantKind.Staff));
            Assert.That(other.Status, Is.EqualTo(HttpStatusCode.NotFound), "another organiser's meeting is not found, as for GetMeeting");
            Assert.That(auditor.Status, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task Each_organiser_lists_only_their_own_meetings()
    {
        var mine = await ApiCalls.BookAsync(_adminApi, "Admin's own meeting");
        var theirs = await ApiCalls.BookAsync(_organiserApi, "Olga's own meeting");

        var adminList = await ApiCalls.GetAsync(_adminApi, "/api/v1/meetings");
        var organiserList = await ApiCalls.GetAsync(_organiserApi, "/api/v1/meetings");
        var adminIds = adminList.Root.EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        var organiserIds = organiserList.Root.EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(adminList.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(adminList.MediaType, Is.EqualTo("application/json"));
            Assert.That(adminIds, Does.Contain(mine).And.Not.Contain(theirs));
            Assert.That(organiserIds, Does.Contain(theirs).And.Not.Contain(mine));
            Assert.That(organiserList.Root.EnumerateArray().Select(m => m.GetProperty("organiser").GetString()), Is.All.EqualTo("Olga Organiser"));
        });
    }

    [Test]
    public async Task Another_organisers_meeting_answers_404_to_every_call()
    {
        var theirs = await ApiCalls.BookAsync(_organiserApi, "Olga's private meeting");

        var get = await ApiCalls.GetAsync(_adminApi, "/api/v1/meetings/" + theirs);
        var invitations = await ApiCalls.GetAsync(_adminApi, $"/api/v1/meetings/{theirs}/invitations");
        var invite = await ApiCalls.PostAsync(_adminApi, $"/api/v1/meetings/{theirs}/invitations", new { guestName = "Intruder" });
        var cancel = await ApiCalls.PostJsonAsync(_adminApi, $"/api/v1/meetings/{theirs}/cancel", "");
        var stillThere = await ApiCalls.GetAsync(_organiserApi, "/api/v1/meetings/" + theirs);

        Assert.Multiple(() =>
        {
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(get.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(get.Body, Does.Not.Contain("Olga"));
            Assert.That(invitations.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(invite.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(cancel.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(stillThere.Root.GetProperty("status").GetString(), Is.EqualTo("Scheduled"));
        });
    }

    [Test]
    public async Task Booking_a_valid_meeting_answers_201_with_its_location()
    {
        var start = MeetingPages.Tomorrow();
        var request = new
        {
            title = "Follow-up 815",
            startsAt = start,
            endsAt = start.AddMinutes(45),
            agenda = "Status",
            classification = "confidential",
            participants = new[] { new { name = "Carla Citizen", role = "citizen", email = "carla@example.org" } },
        };

        var booked = await ApiCalls.PostAsync(_adminApi, "/api/v1/meetings", request);
        Assert.That(booked.Status, Is.EqualTo(HttpStatusCode.Created), booked.Body);
        var location = booked.Response.Headers.Location!.OriginalString;
        var fetched = await ApiCalls.GetAsync(_adminApi, location);

        Assert.Multiple(() =>
        {
            Assert.That(location, Is.EqualTo("/api/v1/meetings/" + booked.Root.GetProperty("id").GetString()));
            Assert.That(booked.Root.GetProperty("title").GetString(), Is.EqualTo("Follow-up 815"));
            Assert.That(booked.Root.GetProperty("marking").GetString(), Is.EqualTo("CONFIDENTIAL"));
            Assert.That(booked.Root.GetProperty("organiser").GetString(), Is.EqualTo(Admin.DisplayName));
            Assert.That(booked.Root.GetProperty("startsAt").GetDateTimeOffset(), Is.EqualTo(start));
            Assert.That(booked.Root.GetProperty("participants")[0].GetProperty("name").GetString(), Is.EqualTo("Carla Citizen"));
            Assert.That(fetched.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(fetched.Root.GetProperty("id").GetString(), Is.EqualTo(booked.Root.GetProperty("id").GetString()));
        });
    }

    [Test]
    public async Task Invalid_fields_answer_400_problem_with_an_errors_object_naming_each_field()
    {
        var start = MeetingPages.Tomorrow();
        var request = new
        {
            title = "   ",
            startsAt = start,
            endsAt = start.AddHours(-1),
            classification = "cosmic",
            participants = new[] { new { name = "Pat", role = "wizard", email = "not-an-address" } },
        };
        var before = await Appliance.Service<Appliance.Core.Meetings.IMeetingStore>().CountAsync();

        var answer = await ApiCalls.PostAsync(_adminApi, "/api/v1/meetings", request);
        var after = await Appliance.Service<Appliance.Core.Meetings.IMeetingStore>().CountAsync();

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(answer.MediaType, Is.EqualTo("application/problem+json"));
            var errors = answer.Root.GetProperty("errors");
            Assert.That(
                errors.EnumerateObject().Select(p => p.Name),
                Is.EquivalentTo(new[] { "title", "endsAt", "classification", "participants[0].role", "participants[0].email" }));
            Assert.That(errors.GetProperty("title")[0].GetString(), Is.EqualTo("must be filled in"));
            Assert.That(errors.GetProperty("endsAt")[0].GetString(), Is.EqualTo("must be after the start"));
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [TestCase("{\"title\": \"Broken\", ", TestName = "Malformed_json_answers_400_problem")]
    [TestCase("{\"title\": \"Typo\", \"startAt\": \"2030-01-01T10:00:00Z\"}", TestName = "Unknown_json_members_answer_400_problem")]
    [TestCase("{\"title\": \"Wrong type\", \"startsAt\": 42}", TestName = "Json_values_of_the_wrong_type_answer_400_problem")]
    [TestCase("[1, 2, 3]", TestName = "A_json_array_instead_of_an_object_answers_400_problem")]
    [TestCase("null", TestName = "A_json_null_body_answers_400_problem")]
    public async Task Unreadable_json_answers_400_problem(string json)
    {
        var before = await Appliance.Service<Appliance.Core.Meetings.IMeetingStore>().CountAsync();

        var answer = await ApiCalls.PostJsonAsync(_adminApi, "/api/v1/meetings", json);
        var after = await Appliance.Service<Appliance.Core.Meetings.IMeetingStore>().CountAsync();

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(answer.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(answer.Root.GetProperty("status").GetInt32(), Is.EqualTo(400));
            Assert.That(answer.Body, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_body_over_64_KiB_answers_413()
    {
        var agenda = new string('x', 70 * 1024);

        var answer = await ApiCalls.PostAsync(_adminApi, "/api/v1/meetings", ApiCalls.Meeting("Huge", agenda: agenda));

        Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(answer.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task A_chunked_body_over_64_KiB_without_a_length_answers_413()
    {
        var json = JsonSerializer.Serialize(ApiCalls.Meeting("Huge and chunked", agenda: new string('y', 70 * 1024)), JsonSerializerOptions.Web);
        using var content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var before = await Appliance.Service<Appliance.Core.Meetings.IMeetingStore>().CountAsync();

        var answer = await ApiCalls.ReadAsync(await _adminApi.PostAsync(new Uri("/api/v1/meetings", UriKind.Relative), content));
        var after = await Appliance.Service<Appliance.Core.Meetings.IMeetingStore>().CountAsync();

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Inviting_through_the_api_returns_the_link_and_a_calendar_file_and_revoking_stops_the_link()
    {
        var meetingId = await ApiCalls.BookAsync(_adminApi, "Invitation by API", "open");

        var invited = await ApiCalls.PostAsync(_adminApi, $"/api/v1/meetings/{meetingId}/invitations", new { guestName = "Vera Visitor" });
        Assert.That(invited.Status, Is.EqualTo(HttpStatusCode.Created), invited.Body);
        var link = invited.Root.GetProperty("link").GetString()!;
        var invitationId = invited.Root.GetProperty("id").GetString()!;
        using var guest = Appliance.CreateClient();
        var before = await Forms.GetAsync(guest, new Uri(link).AbsolutePath);

        var revoked = await ApiCalls.PostJsonAsync(_adminApi, $"/api/v1/meetings/{meetingId}/invitations/{invitationId}/revoke", "");
        var after = await Forms.GetAsync(guest, new Uri(link).AbsolutePath);
        var again = await ApiCalls.PostJsonAsync(_adminApi, $"/api/v1/meetings/{meetingId}/invitations/{invitationId}/revoke", "");
        var list = await ApiCalls.GetAsync(_adminApi, $"/api/v1/meetings/{meetingId}/invitations");

        Assert.Multiple(() =>
        {
            Assert.That(link, Does.StartWith(Appliance.BaseAddress.AbsoluteUri + "j/"));
            Assert.That(invited.Root.GetProperty("calendar").GetString()!.Replace("\r\n ", "", StringComparison.Ordinal), Does.Contain("BEGIN:VCALENDAR").And.Contain(link));
            Assert.That(invited.Root.GetProperty("hasPin").GetBoolean(), Is.False);
            Assert.That(before.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(before.Body, Does.Contain("Invitation by API"));
            Assert.That(revoked.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(revoked.Root.GetProperty("revoked").GetBoolean(), Is.True);
            Assert.That(after.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(after.Body, Does.Not.Contain("Invitation by API"));
            Assert.That(again.Status, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(list.Root.EnumerateArray().Single().GetProperty("revoked").GetBoolean(), Is.True);
            Assert.That(list.Body, Does.Not.Contain(new Uri(link).AbsolutePath["/j/".Length..]), "the token is never listed");
        });
    }

    [Test]
    public async Task Invitation_with_invalid_fields_answers_400_naming_them()
    {
        var meetingId = await ApiCalls.BookAsync(_adminApi, "Invalid invitation");

        var answer = await ApiCalls.PostAsync(_adminApi, $"/api/v1/meetings/{meetingId}/invitations", new { guestName = "", pin = "12", expiresAt = MeetingPages.Tomorrow().AddDays(30) });

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(answer.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(answer.Root.GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "guestName", "pin", "expiresAt" }));
        });
    }

    [Test]
    public async Task Cancelling_answers_200_then_409_and_the_meetings_links_stop_working()
    {
        var meetingId = await ApiCalls.BookAsync(_adminApi, "To cancel by API");
        var invited = await ApiCalls.PostAsync(_adminApi, $"/api/v1/meetings/{meetingId}/invitations", new { guestName = "Cecil" });
        var path = new Uri(invited.Root.GetProperty("link").GetString()!).AbsolutePath;

        var first = await ApiCalls.PostJsonAsync(_adminApi, $"/api/v1/meetings/{meetingId}/cancel", "");
        var second = await ApiCalls.PostJsonAsync(_adminApi, $"/api/v1/meetings/{meetingId}/cancel", "");
        var invite = await ApiCalls.PostAsync(_adminApi, $"/api/v1/meetings/{meetingId}/invitations", new { guestName = "Too late" });
        using var guest = Appliance.CreateClient();
        var link = await Forms.GetAsync(guest, path);

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(first.Root.GetProperty("status").GetString(), Is.EqualTo("Cancelled"));
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(second.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(invite.Status, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(link.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task Classifications_are_listed_from_least_to_most_sensitive()
    {
        var answer = await ApiCalls.GetAsync(_adminApi, "/api/v1/classifications");

        Assert.That(answer.Root.EnumerateArray().Select(l => l.GetProperty("id").GetString()), Is.EqualTo(new[] { "open", "internal", "confidential" }));
    }

    [Test]
    public async Task OpenApi_document_describes_the_meetings_path_and_the_bearer_scheme()
    {
        using var anonymous = Appliance.CreateClient();

        var answer = await ApiCalls.GetAsync(anonymous, "/api/v1/openapi.json");

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answer.MediaType, Is.EqualTo("application/json"));
            var paths = answer.Root.GetProperty("paths");
            Assert.That(paths.TryGetProperty("/api/v1/meetings", out var meetings), Is.True);
            Assert.That(meetings.TryGetProperty("get", out _) && meetings.TryGetProperty("post", out _), Is.True);
            var scheme = answer.Root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
            Assert.That(scheme.GetProperty("type").GetString(), Is.EqualTo("http"));
            Assert.That(scheme.GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
            Assert.That(answer.Root.GetProperty("security").GetArrayLength(), Is.GreaterThan(0));
        });
    }

    /// <summary>A stream that hides its length, so that HttpClient sends the body chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
