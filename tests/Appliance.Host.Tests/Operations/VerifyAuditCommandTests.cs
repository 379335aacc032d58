using Appliance.Core.Audit;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Storage.Audit;

namespace Appliance.Host.Tests.Operations;

/// <summary>The <c>verify-audit</c> verb as an auditor runs it: the real executable in a child process.</summary>
public sealed class VerifyAuditCommandTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private string _data = null!;

    [SetUp]
    public void CreateDataFolder()
    {
        _data = Path.Combine(Path.GetTempPath(), "appliance-verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_data);
    }

    [TearDown]
    public void DeleteDataFolder() => Directory.Delete(_data, recursive: true);

    private async Task WriteLogAsync(int entries)
    {
        await using var log = FileAuditLog.Open(new AuditLogOptions { DataDirectory = _data, CheckpointEvery = 5 }, TimeProvider.System);
        for (var i = 1; i <= entries; i++)
        {
            await log.AppendAsync(new AuditEvent("u-1", AuditAction.SignIn, "u-1", AuditOutcome.Success));
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        using var process = ApplianceProcess.Start(_data, arguments);
        Assert.That(await process.WaitForExitAsync(Limit), Is.True, "verify-audit did not finish");
        return (process.ExitCode, process.StandardOutput + process.StandardError);
    }

    [Test]
    public async Task An_intact_log_exits_0()
    {
        await WriteLogAsync(12);

        var (exitCode, output) = await RunAsync("verify-audit", "--data", _data);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("INTACT: 12 entries, 3 signed checkpoints"));
    }

    [Test]
    public async Task A_tampered_log_exits_1_naming_the_entry()
    {
        await WriteLogAsync(12);
        var path = Path.Combine(_data, "audit.log");
        var lines = await File.ReadAllLinesAsync(path);
        var index = Array.FindIndex(lines, l => l.Contains("\"seq\":7,", StringComparison.Ordinal) && l.Contains("\"type\":\"entry\"", StringComparison.Ordinal));
        lines[index] = lines[index].Replace("SignIn", "SignOut", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(path, lines);

        var (exitCode, output) = await RunAsync("verify-audit", "--data", _data);

        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("BROKEN at entry 7"));
    }

    [Test]
    public async Task The_data_folder_comes_from_the_working_folder_by_default()
    {
        // As `dotnet run --project appliance/Appliance.Host -- verify-audit` from a checkout: ./data.
        var data = _data;
        _data = Path.Combine(data, "data");
        Directory.CreateDirectory(_data);
        await WriteLogAsync(3);
        _data = data;

        var (exitCode, output) = await RunAsync("verify-audit");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("INTACT: 3 entries"));
    }

    [TestCase("--bogus")]
    [TestCase("--data")]
    public async Task Wrong_arguments_exit_2_with_the_usage(string argument)
    {
        var (exitCode, output) = await RunAsync("verify-audit", argument);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("usage: Appliance.Host verify-audit"));
    }

    [Test]
    public async Task A_folder_without_a_log_exits_2()
    {
        var (exitCode, output) = await RunAsync("verify-audit", "--data", _data);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("There is no audit log"));
    }
}
