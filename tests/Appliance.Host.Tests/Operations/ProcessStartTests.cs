using System.Net;
using System.Security.Cryptography;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Operations;

/// <summary>Starting the real executable as an operator would, in a child process.</summary>
public sealed class ProcessStartTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);
    private string _data = null!;

    [SetUp]
    public void CreateDataFolder()
    {
        _data = Path.Combine(Path.GetTempPath(), "appliance-process-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_data);
    }

    [TearDown]
    public void DeleteDataFolder()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up.
        }
    }

    [Test]
    public async Task Create_automation_token_prints_a_token_the_api_accepts_and_exits()
    {
        using var verb = ApplianceProcess.Start(_data, "create-automation-token", "--user", "loadgen", $"--Appliance:DataDirectory={_data}");
        Assert.That(await verb.WaitForExitAsync(StartLimit), Is.True, "the verb exits without serving");
        var token = verb.StandardOutput.Trim();
        Assert.That(verb.ExitCode, Is.Zero, verb.StandardError);

        var port = ApplianceProcess.FreePort();
        using var process = ApplianceProcess.Start(_data, $"--urls=https://127.0.0.1:{port}", $"--Appliance:DataDirectory={_data}", ApplianceProcess.AnyMediaPort);
        Assert.That(await process.WaitForHealthAsync(new Uri($"https://127.0.0.1:{port}/healthz"), _data, StartLimit), Is.EqualTo(HttpStatusCode.OK));
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var meetings = await client.GetAsync(new Uri("/api/v1/meetings", UriKind.Relative));
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token + "x");
        using var altered = await client.GetAsync(new Uri("/api/v1/meetings", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(token, Has.Length.EqualTo(43), "one line: the token only");
            Assert.That(verb.StandardError, Does.Contain("loadgen").And.Not.Contain(token), "the log line names the account, never the token");
            Assert.That(meetings.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(altered.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task Create_automation_token_with_unknown_arguments_prints_usage_and_fails()
    {
        using var verb = ApplianceProcess.Start(_data, "create-automation-token", "--role", "Operator", $"--Appliance:DataDirectory={_data}");

        Assert.That(await verb.WaitForExitAsync(StartLimit), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(verb.ExitCode, Is.EqualTo(64));
            Assert.That(verb.StandardError, Does.Contain("usage:"));
            Assert.That(File.Exists(Path.Combine(_data, "appliance.db")), Is.False, "nothing was created");
        });
    }

    [Test]
    public async Task Fresh_start_answers_healthz_within_30_seconds_and_prints_the_bootstrap_link()
    {
        var port = ApplianceProcess.FreePort();
        using var process = ApplianceProcess.Start(_data, $"--urls=https://127.0.0.1:{port}", $"--Appliance:DataDirectory={_data}", ApplianceProcess.AnyMediaPort);

        var status = await process.WaitForHealthAsync(new Uri($"https://127.0.0.1:{port}/healthz"), _data, StartLimit);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), $"stdout:\n{process.StandardOutput}\nstderr:\n{process.StandardError}");
        var linkFile = Path.Combine(_data, Appliance.Host.Operations.BootstrapAnnouncer.FileName);
        var link = (await File.ReadAllTextAsync(linkFile)).Trim();
        Assert.Multiple(() =>
        {
            Assert.That(link, Does.StartWith($"https://127.0.0.1:{port}/setup/"));
            Assert.That(process.StandardOutput, Does.Contain(link));
            Assert.That(File.Exists(Path.Combine(_data, "appliance.db")), Is.True);
        });
    }

    [Test]
    public async Task Default_start_without_urls_serves_https_localhost_8443_as_the_readme_says()
    {
        Assume.That(ApplianceProcess.PortIsFree(8443), Is.True, "port 8443 is in use on this machine");
        Assume.That(ApplianceProcess.UdpPortIsFree(10000), Is.True, "the default media port, UDP 10000, is in use on this machine");
        // As `dotnet run --project appliance/Appliance.Host` from a checkout: no urls, data in ./data of the working folder.
        using var process = ApplianceProcess.Start(_data);

        var status = await process.WaitForHealthAsync(new Uri("https://localhost:8443/healthz"), Path.Combine(_data, "data"), StartLimit);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), $"stdout:\n{process.StandardOutput}\nstderr:\n{process.StandardError}");
        Assert.That(process.StandardOutput, Does.Contain("https://localhost:8443/setup/"));
    }

    [TestCase(3 * 8192, TestName = "Start_is_refused_naming_the_database_when_the_file_is_garbage")]
    [TestCase(100, TestName = "Start_is_refused_naming_the_database_when_the_file_is_truncated")]
    public async Task Start_is_refused_naming_the_database_and_leaves_it_unchanged(int length)
    {
        var database = Path.Combine(_data, "appliance.db");
        var garbage = RandomNumberGenerator.GetBytes(length);
        await File.WriteAllBytesAsync(database, garbage);
        WriteKeyFile(Path.Combine(_data, "appliance.key"));
        var port = ApplianceProcess.FreePort();

        using var process = ApplianceProcess.Start(_data, $"--urls=https://127.0.0.1:{port}", $"--Appliance:DataDirectory={_data}", ApplianceProcess.AnyMediaPort);
        var exited = await process.WaitForExitAsync(StartLimit);

        Assert.That(exited, Is.True, "the appliance kept running on a broken database");
        var output = process.StandardOutput + process.StandardError;
        Assert.Multiple(async () =>
        {
            Assert.That(process.ExitCode, Is.Not.Zero);
            Assert.That(output, Does.Contain(database), "the message names the file");
            Assert.That(output, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(output, Does.Not.Contain("Now listening"));
            Assert.That(await File.ReadAllBytesAsync(database), Is.EqualTo(garbage), "the file is untouched");
            Assert.That(Directory.GetFiles(_data).Select(Path.GetFileName), Is.EquivalentTo(new[] { "appliance.db", "appliance.key" }), "nothing was created beside it");
        });
    }

    private static void WriteKeyFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
    }
}
