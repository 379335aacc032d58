using Appliance.Core.Identity;
using Appliance.Core.Validation;
using Appliance.Crypto;

namespace Appliance.Core.Tests.Identity;

public class LocalAccountsTests : DatabaseTest
{
    private const string Password = "correct horse battery staple";

    private LocalAccounts Accounts => new(Database.Identity, Time);

    private async Task<StaffUser> BootstrapAsync(string userName = "admin")
    {
        var token = await Accounts.PrepareBootstrapAsync();
        var outcome = await Accounts.CompleteBootstrapAsync(token, userName, "The Administrator", Password);
        Assert.That(outcome.Succeeded, Is.True);
        return outcome.Value!;
    }

    private async Task<(StaffUser User, byte[] Secret)> EnrolAsync()
    {
        var user = await BootstrapAsync();
        var secret = await Accounts.BeginEnrolmentAsync(user.Id);
        var result = await Accounts.ConfirmEnrolmentAsync(user.Id, CodeNow(secret!));
        Assert.That(result.Status, Is.EqualTo(SignInStatus.SignedIn));
        return (user, secret!);
    }

    private string CodeNow(byte[] secret) => Totp.Compute(secret, Totp.TimeStep(Time.GetUtcNow()));

    private static StaffActor ActorOf(StaffUser user) => new(user.Id, user.DisplayName, user.Roles);

    [Test]
    public async Task Bootstrap_gives_a_token_when_no_user_exists()
    {
        var token = await Accounts.PrepareBootstrapAsync();

        Assert.That(SecretToken.LooksValid(token), Is.True);
        Assert.That(await Accounts.IsBootstrapTokenValidAsync(token), Is.True);
        Assert.That((await Database.Identity.GetBootstrapGrantAsync())!.TokenHash, Is.EqualTo(SecretToken.Hash(token!)));
    }

    [Test]
    public async Task Bootstrap_gives_no_token_once_a_user_exists()
    {
        await BootstrapAsync();

        Assert.That(await Accounts.PrepareBootstrapAsync(), Is.Null);
        Assert.That(await Database.Identity.GetBootstrapGrantAsync(), Is.Null);
    }

    [Test]
    public async Task A_new_bootstrap_token_invalidates_the_old_one()
    {
        var first = await Accounts.PrepareBootstrapAsync();
        var second = await Accounts.PrepareBootstrapAsync();

        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(await Accounts.IsBootstrapTokenValidAsync(first), Is.False);
        var outcome = await Accounts.CompleteBootstrapAsync(first, "admin", "Admin", Password);
        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.NotFound));
        Assert.That(await Database.Identity.CountUsersAsync(), Is.Zero);
        Assert.That(await Accounts.IsBootstrapTokenValidAsync(second), Is.True);
    }

    [Test]
    public async Task Completing_the_bootstrap_creates_a_user_with_every_role()
    {
        var token = await Accounts.PrepareBootstrapAsync();

        var outcome = await Accounts.CompleteBootstrapAsync(token, " Admin ", " The Administrator ", Password);

        Assert.That(outcome.Succeeded, Is.True);
        var stored = await Database.Identity.FindUserByIdAsync(outcome.Value!.Id);
        Assert.That(stored!.Roles, Is.EqualTo(StaffRoles.All));
        Assert.That(stored.UserName, Is.EqualTo("admin"));
        Assert.That(stored.DisplayName, Is.EqualTo("The Administrator"));
        Assert.That(stored.PasswordHash, Does.StartWith("$argon2id$").And.Not.Contain(Password));
        Assert.That(stored.TotpEnabled, Is.False);
        Assert.That(await Database.Identity.GetBootstrapGrantAsync(), Is.Null, "the grant is consumed");
    }

    [Test]
    public async Task The_bootstrap_token_cannot_be_used_twice()
    {
        var token = await Accounts.PrepareBootstrapAsync();
        await Accounts.CompleteBootstrapAsync(token, "admin", "Admin", Password);

        var again = await Accounts.CompleteBootstrapAsync(token, "intruder", "Intruder", Password);

        Assert.That(again.Failure, Is.EqualTo(FailureKind.NotFound));
        Assert.That(await Database.Identity.CountUsersAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task An_expired_bootstrap_token_is_refused()
    {
        var token = await Accounts.PrepareBootstrapAsync();

        Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var outcome = await Accounts.CompleteBootstrapAsync(token, "admin", "Admin", Password);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.NotFound));
        Assert.That(await Database.Identity.CountUsersAsync(), Is.Zero);
    }

    [Test]
    public async Task A_bootstrap_token_just_before_expiry_still_works()
    {
        var token = await Accounts.PrepareBootstrapAsync();

        Time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        var outcome = await Accounts.CompleteBootstrapAsync(token, "admin", "Admin", Password);

        Assert.That(outcome.Succeeded, Is.True);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("not-a-token")]
    public async Task A_malformed_bootstrap_token_is_refused(string? token)
    {
        await Accounts.PrepareBootstrapAsync();

        var outcome = await Accounts.CompleteBootstrapAsync(token, "admin", "Admin", Password);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.NotFound));
    }

    [Test]
    public async Task Bootstrap_with_a_weak_password_is_a_validation_error_and_keeps_the_token()
    {
        var token = await Accounts.PrepareBootstrapAsync();

        var outcome = await Accounts.CompleteBootstrapAsync(token, "admin", "Admin", "admin-password-1");

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Invalid));
        Assert.That(outcome.Errors!.ToDictionary()["password"], Is.EqualTo(new[] { Messages.PasswordTooWeak }));
        Assert.That(await Accounts.IsBootstrapTokenValidAsync(token), Is.True);
    }

    [Test]
    public async Task The_right_password_before_enrolment_asks_for_enrolment()
    {
        var user = await BootstrapAsync();

        var result = await Accounts.CheckPasswordAsync("ADMIN", Password);

        Assert.That(result.Status, Is.EqualTo(SignInStatus.NeedsEnrolment));
        Assert.That(result.User!.Id, Is.EqualTo(user.Id));
    }

    [TestCase("admin", "wrong password entirely")]
    [TestCase("nobody", Password)]
    [TestCase("admin", null)]
    [TestCase(null, Password)]
    [TestCase("admin", "")]
    public async Task A_wrong_user_name_or_password_Fails(string? userName, string? password)
    {
        await BootstrapAsync();

        var result = await Accounts.CheckPasswordAsync(userName, password);

        Assert.That(result, Is.EqualTo(SignInResult.Failed));
    }

    [Test]
    public async Task Five_failures_lock_the_account_and_even_the_right_password_is_refused()
    {
        await BootstrapAsync();
        for (var i = 1; i < AccountRules.MaxFailedSignIns; i++)
        {
            Assert.That((await Accounts.CheckPasswordAsync("admin", "wrong password " + i)).Status, Is.EqualTo(SignInStatus.Failed), $"attempt {i}");
        }

        Assert.That((await Accounts.CheckPasswordAsync("admin", "wrong password 5")).Status, Is.EqualTo(SignInStatus.LockedOut));
        Assert.That((await Accounts.CheckPasswordAsync("admin", Password)).Status, Is.EqualTo(SignInStatus.LockedOut));
    }

    [Test]
    public async Task The_lock_ends_after_15_minutes()
    {
        await BootstrapAsync();
        for (var i = 0; i < AccountRules.MaxFailedSignIns; i++)
        {
            await Accounts.CheckPasswordAsync("admin", "wrong password " + i);
        }

        Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.That((await Accounts.CheckPasswordAsync("admin", Password)).Status, Is.EqualTo(SignInStatus.LockedOut));

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await Accounts.CheckPasswordAsync("admin", Password)).Status, Is.EqualTo(SignInStatus.NeedsEnrolment));
    }

    [Test]
    public async Task After_the_lock_the_counter_starts_again()
    {
        await BootstrapAsync();
        for (var i = 0; i < AccountRules.MaxFailedSignIns; i++)
        {
            await Accounts.CheckPasswordAsync("admin", "wrong password " + i);
        }

        Time.Advance(TimeSpan.FromMinutes(15));

        Assert.That((await Accounts.CheckPasswordAsync("admin", "wrong again")).Status, Is.EqualTo(SignInStatus.Failed));
    }

    [Test]
    public async Task Enrolment_with_a_correct_code_signs_in()
    {
        var user = await BootstrapAsync();
        Assert.That((await Accounts.CheckPasswordAsync("admin", Password)).Status, Is.EqualTo(SignInStatus.NeedsEnrolment));

        var secret = await Accounts.BeginEnrolmentAsync(user.Id);
        var result = await Accounts.ConfirmEnrolmentAsync(user.Id, Totp.Compute(secret!, Totp.TimeStep(Time.GetUtcNow())));

        Assert.That(result.Status, Is.EqualTo(SignInStatus.SignedIn));
        var stored = await Database.Identity.FindUserByIdAsync(user.Id);
        Assert.That(stored!.TotpEnabled, Is.True);
        Assert.That(stored.TotpSecret, Is.EqualTo(secret));
        Assert.That(stored.SecurityStamp, Is.Not.EqualTo(user.SecurityStamp));
        Assert.That(stored.LastSignInAt, Is.EqualTo(Time.GetUtcNow()));
    }

    [Test]
    public async Task Beginning_enrolment_again_before_confirming_returns_the_same_secret()
    {
        var user = await BootstrapAsync();

        var first = await Accounts.BeginEnrolmentAsync(user.Id);
        var second = await Accounts.BeginEnrolmentAsync(user.Id);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task Enrolment_with_a_wrong_code_Fails_and_does_not_enable_TOTP()
    {
        var user = await BootstrapAsync();
        var secret = await Accounts.BeginEnrolmentAsync(user.Id);
        var step = Totp.TimeStep(Time.GetUtcNow());

        var result = await Accounts.ConfirmEnrolmentAsync(user.Id, Totp.Compute(secret!, step + 5));

        Assert.That(result, Is.EqualTo(SignInResult.Failed));
        Assert.That((await Database.Identity.FindUserByIdAsync(user.Id))!.TotpEnabled, Is.False);
    }

    [Test]
    public async Task An_enrolled_user_cannot_be_re_enrolled_by_beginning_again()
    {
        var (user, _) = await EnrolAsync();

        Assert.That(await Accounts.BeginEnrolmentAsync(user.Id), Is.Null);
    }

    [Test]
    public async Task The_enrolment_code_cannot_be_used_again()
    {
        var (user, secret) = await EnrolAsync();
        var code = CodeNow(secret);

        var replay = await Accounts.CheckCodeAsync(user.Id, code);

        Assert.That(replay, Is.EqualTo(SignInResult.Failed));
    }

    [Test]
    public async Task After_enrolment_the_password_asks_for_a_code_and_a_fresh_code_signs_in()
    {
        var (user, secret) = await EnrolAsync();

        Assert.That((await Accounts.CheckPasswordAsync("admin", Password)).Status, Is.EqualTo(SignInStatus.NeedsCode));

        Time.Advance(TimeSpan.FromSeconds(30));
        var code = CodeNow(secret);
        Assert.That((await Accounts.CheckCodeAsync(user.Id, code)).Status, Is.EqualTo(SignInStatus.SignedIn));
        Assert.That(await Accounts.CheckCodeAsync(user.Id, code), Is.EqualTo(SignInResult.Failed), "the same code twice");
    }

    [Test]
    public async Task An_earlier_code_is_refused_once_a_later_one_was_used()
    {
        var (user, secret) = await EnrolAsync();
        var step = Totp.TimeStep(Time.GetUtcNow());
        Time.Advance(TimeSpan.FromSeconds(30));

        // The step just before now is inside the window but not after the last used step.
        Assert.That(await Accounts.CheckCodeAsync(user.Id, Totp.Compute(secret, step)), Is.EqualTo(SignInResult.Failed));
        Assert.That((await Accounts.CheckCodeAsync(user.Id, Totp.Compute(secret, step + 1))).Status, Is.EqualTo(SignInStatus.SignedIn));
    }

    [Test]
    public async Task Five_wrong_codes_lock_the_account()
    {
        var (user, secret) = await EnrolAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var farAway = Totp.Compute(secret, Totp.TimeStep(Time.GetUtcNow()) + 100);

        for (var i = 1; i < AccountRules.MaxFailedSignIns; i++)
        {
            Assert.That((await Accounts.CheckCodeAsync(user.Id, farAway)).Status, Is.EqualTo(SignInStatus.Failed));
        }

        Assert.That((await Accounts.CheckCodeAsync(user.Id, farAway)).Status, Is.EqualTo(SignInStatus.LockedOut));
        Assert.That((await Accounts.CheckCodeAsync(user.Id, CodeNow(secret))).Status, Is.EqualTo(SignInStatus.LockedOut));
        Assert.That((await Accounts.CheckPasswordAsync("admin", Password)).Status, Is.EqualTo(SignInStatus.LockedOut));
    }

    [Test]
    public async Task A_created_API_token_authenticates_its_user()
    {
        var user = await BootstrapAsync();

        var created = await Accounts.CreateApiTokenAsync(ActorOf(user), "Case system", TimeSpan.FromDays(30));

        Assert.That(created.Succeeded, Is.True);
        var (token, secret) = created.Value;
        Assert.That(token.TokenHash, Is.EqualTo(SecretToken.Hash(secret)));
        Assert.That((await Accounts.AuthenticateApiTokenAsync(secret))!.Id, Is.EqualTo(user.Id));
    }

    [Test]
    public async Task An_unknown_or_malformed_API_token_does_not_authenticate()
    {
        var user = await BootstrapAsync();
        var (_, secret) = (await Accounts.CreateApiTokenAsync(ActorOf(user), "Case system", TimeSpan.FromDays(30))).Value;

        Assert.That(await Accounts.AuthenticateApiTokenAsync(SecretToken.Generate()), Is.Null);
        Assert.That(await Accounts.AuthenticateApiTokenAsync(null), Is.Null);
        Assert.That(await Accounts.AuthenticateApiTokenAsync(secret + "x"), Is.Null);
    }

    [Test]
    public async Task A_revoked_API_token_does_not_authenticate()
    {
        var user = await BootstrapAsync();
        var (token, secret) = (await Accounts.CreateApiTokenAsync(ActorOf(user), "Case system", TimeSpan.FromDays(30))).Value;

        Assert.That(await Accounts.RevokeApiTokenAsync(ActorOf(user), token.Id), Is.True);

        Assert.That(await Accounts.AuthenticateApiTokenAsync(secret), Is.Null);
        Assert.That(await Accounts.RevokeApiTokenAsync(ActorOf(user), token.Id), Is.False, "already revoked");
    }

    [Test]
    public async Task Another_user_cannot_revoke_an_API_token()
    {
        var user = await BootstrapAsync();
        var (token, secret) = (await Accounts.CreateApiTokenAsync(ActorOf(user), "Case system", TimeSpan.FromDays(30))).Value;
        var other = await Accounts.CreateUserAsync(ActorOf(user), "bo", "Bo Hansen", Password + "!", StaffRoles.Organiser);

        Assert.That(await Accounts.RevokeApiTokenAsync(ActorOf(other.Value!), token.Id), Is.False);
        Assert.That(await Accounts.AuthenticateApiTokenAsync(secret), Is.Not.Null);
    }

    [Test]
    public async Task An_expired_API_token_does_not_authenticate()
    {
        var user = await BootstrapAsync();
        var (_, secret) = (await Accounts.CreateApiTokenAsync(ActorOf(user), "Case system", TimeSpan.FromDays(30))).Value;

        Time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        Assert.That(await Accounts.AuthenticateApiTokenAsync(secret), Is.Not.Null);

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await Accounts.AuthenticateApiTokenAsync(secret), Is.Null);
    }

    [Test]
    public async Task An_API_token_of_a_disabled_user_does_not_authenticate()
    {
        var user = await BootstrapAsync();
        var (_, secret) = (await Accounts.CreateApiTokenAsync(ActorOf(user), "Case system", TimeSpan.FromDays(30))).Value;

        var stored = await Database.Identity.FindUserByIdAsync(user.Id);
        await Database.Identity.UpdateUserAsync(stored! with { Disabled = true });

        Assert.That(await Accounts.AuthenticateApiTokenAsync(secret), Is.Null);
        Assert.That(await Accounts.CheckPasswordAsync("admin", Password), Is.EqualTo(SignInResult.Failed));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(366)]
    public async Task An_API_token_lifetime_outside_one_day_to_a_year_is_refused(int days)
    {
        var user = await BootstrapAsync();

        var outcome = await Accounts.CreateApiTokenAsync(ActorOf(user), "Case system", TimeSpan.FromDays(days));

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Invalid));
        Assert.That(outcome.Errors!.ToDictionary()["lifetimeDays"], Is.EqualTo(new[] { Messages.InvalidExpiry }));
    }

    [Test]
    public async Task Creating_a_user_needs_the_operator_role()
    {
        var admin = await BootstrapAsync();
        var organiser = new StaffActor(admin.Id, admin.DisplayName, StaffRoles.Organiser | StaffRoles.SecurityOfficer | StaffRoles.Auditor);

        var outcome = await Accounts.CreateUserAsync(organiser, "bo", "Bo Hansen", Password, StaffRoles.Organiser);

        Assert.That(outcome.Failure, Is.EqualTo(FailureKind.Forbidden));
        Assert.That(await Database.Identity.CountUsersAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task Creating_a_user_with_a_taken_name_is_refused_whatever_the_case()
    {
        var admin = await BootstrapAsync();

        var outcome = await Accounts.CreateUserAsync(ActorOf(admin), "ADMIN", "Another Admin", Password, StaffRoles.Organiser);

        Assert.That(outcome.Errors!.ToDictionary()["userName"], Is.EqualTo(new[] { Messages.UserNameTaken }));
    }

    [Test]
    public async Task Creating_a_user_with_an_undefined_role_bit_is_refused()
    {
        var admin = await BootstrapAsync();

        var outcome = await Accounts.CreateUserAsync(ActorOf(admin), "bo", "Bo Hansen", Password, (StaffRoles)16);

        Assert.That(outcome.Errors!.ToDictionary()["roles"], Is.EqualTo(new[] { Messages.InvalidRole }));
    }

    [Test]
    public async Task Parallel_wrong_passwords_cannot_outrun_the_lockout()
    {
        await BootstrapAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => Accounts.CheckPasswordAsync("admin", "wrong password guess"))));

        // Each attempt is counted before the password is checked: four plain failures, the fifth locks, the rest never get checked.
        Assert.That(results.Count(r => r.Status == SignInStatus.Failed), Is.EqualTo(AccountRules.MaxFailedSignIns - 1));
        Assert.That(results.Count(r => r.Status == SignInStatus.LockedOut), Is.EqualTo(12 - (AccountRules.MaxFailedSignIns - 1)));
        Assert.That((await Accounts.CheckPasswordAsync("admin", Password)).Status, Is.EqualTo(SignInStatus.LockedOut));
    }

    [Test]
    public async Task The_same_code_sent_twice_in_parallel_signs_in_only_once()
    {
        var (user, secret) = await EnrolAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var code = CodeNow(secret);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Accounts.CheckCodeAsync(user.Id, code))));

        Assert.That(results.Count(r => r.Status == SignInStatus.SignedIn), Is.EqualTo(1));
    }

    [Test]
    public async Task The_right_password_on_the_locking_attempt_leaves_one_try_for_the_code()
    {
        var (user, secret) = await EnrolAsync();
        for (var i = 1; i < AccountRules.MaxFailedSignIns; i++)
        {
            Assert.That((await Accounts.CheckPasswordAsync("admin", "wrong password guess")).Status, Is.EqualTo(SignInStatus.Failed));
        }

        Assert.That((await Accounts.CheckPasswordAsync("admin", Password)).Status, Is.EqualTo(SignInStatus.NeedsCode));
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That((await Accounts.CheckCodeAsync(user.Id, CodeNow(secret))).Status, Is.EqualTo(SignInStatus.SignedIn));
        var stored = await Database.Identity.FindUserByIdAsync(user.Id);
        Assert.That(stored!.FailedSignIns, Is.Zero);
        Assert.That(stored.LockedUntil, Is.Null);
    }
}
