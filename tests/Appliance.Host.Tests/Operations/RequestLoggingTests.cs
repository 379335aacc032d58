using System.Text;
using Appliance.Crypto;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Operations;

/// <summary>The log files name routes, never the secrets that guest, bootstrap and API requests carry.</summary>
public sealed class RequestLoggingTests
{
    [Test]
    public async Task Log_files_hold_route_templates_and_never_tokens_query_strings_or_passwords()
    {
        var data = Path.Combine(Path.GetTempPath(), "appliance-logs-" + Guid.NewGuid().ToString("N"));
        try
        {
            var secrets = new Dictionary<string, string>();
            await using (var appliance = await TestAppliance.StartAsync(dataDirectory: data))
            {
                var bootstrap = appliance.BootstrapLink!;
                secrets["bootstrap token"] = bootstrap.AbsolutePath["/setup/".Length..];
                using var admin = await StaffSession.BootstrapAsync(appliance, password: "kettle orbit 57 lanterns");
                secrets["password"] = admin.Password;
                secrets["TOTP secret"] = Base32.Encode(admin.Secret!);

                var meetingId = await MeetingPages.BookAsync(admin, "Logged meeting");
                var issued = await MeetingPages.InviteAsync(admin, meetingId, "Logged Guest", pin: "97531");
                secrets["guest token"] = issued.Token;
                secrets["PIN"] = "97531";

                using var guest = appliance.CreateClient(new System.Net.CookieContainer());
                var ask = await Forms.GetAsync(guest, issued.Path);
                await Forms.PostAsync(guest, issued.Path, Forms.Fields(("pin", "97531")), Forms.FindToken(ask.Body));
                await Forms.GetAsync(guest, issued.Path);
                var wrongToken = SecretToken.Generate();
                secrets["wrong guest token"] = wrongToken;
                await Forms.GetAsync(guest, "/j/" + wrongToken);

                secrets["query string"] = "QuerySecret" + Guid.NewGuid().ToString("N");
                await Forms.GetAsync(admin.Client, "/meetings?note=" + secrets["query string"]);

                var apiToken = await admin.CreateApiTokenAsync();
                secrets["API token"] = apiToken;
                using var api = StaffSession.ApiClient(appliance, apiToken);
                await ApiCalls.GetAsync(api, "/api/v1/meetings");
                var wrongApiToken = SecretToken.Generate();
                secrets["wrong API token"] = wrongApiToken;
                using var wrongApi = StaffSession.ApiClient(appliance, wrongApiToken);
                await ApiCalls.GetAsync(wrongApi, "/api/v1/meetings");

                var logs = ReadLogs(data);
                Assert.Multiple(() =>
                {
                    Assert.That(logs, Does.Contain("\"Route\":\"/j/{token}\""));
                    Assert.That(logs, Does.Contain("\"Route\":\"/setup/{token}\""));
                    Assert.That(logs, Does.Contain("\"Route\":\"/meetings/{meetingId}\""));
                    Assert.That(logs, Does.Contain("\"Route\":\"/api/v1/meetings\""));
                    Assert.That(logs, Does.Contain("\"StatusCode\":404"), "the refused guest link is logged, by its route");
                    foreach (var (what, secret) in secrets)
                    {
                        var leaks = logs.Split('\n').Where(l => l.Contains(secret, StringComparison.Ordinal)).Select(l => l.Replace(secret, "<" + what + ">", StringComparison.Ordinal));
                        Assert.That(leaks, Is.Empty, what + " is in the log");
                    }
                });
            }
        }
        finally
        {
            TryDelete(data);
        }
    }

    private static string ReadLogs(string data)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(Path.Combine(data, "logs")))
        {
            // The appliance still has the file open for writing.
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            text.Append(reader.ReadToEnd());
        }

        Assert.That(text.Length, Is.GreaterThan(0), "no log files were written");
        return text.ToString();
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up.
        }
    }
}
